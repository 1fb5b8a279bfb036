namespace PoolOperator.Core;

/// <summary>Sets the bounds of the HorizontalPodAutoscaler that scales <paramref name="Deployment"/>; the HPA moves the replicas within them.</summary>
internal sealed record BoundAutoscaler(string Deployment, string Autoscaler, int MinReplicas, int MaxReplicas) : MigrationAction;
