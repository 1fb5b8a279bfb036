namespace PoolOperator.Core;

/// <summary>The HorizontalPodAutoscaler that scales a pool's Deployment: its bounds are the operator's lever on that pool.</summary>
internal sealed record AutoscalerObservation(string Name, int MinReplicas, int MaxReplicas);
