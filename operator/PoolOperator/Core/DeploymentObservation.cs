namespace PoolOperator.Core;

/// <summary>What the reconciler saw of one pool's Deployment and its pods.</summary>
/// <param name="Autoscaler">The HorizontalPodAutoscaler scaling this Deployment; null when the operator sets its replicas itself.</param>
internal sealed record DeploymentObservation(
    string Name,
    int SpecReplicas,
    int ReadyReplicas,
    string? TemplateHash,
    int TotalRestarts,
    string? CrashLoopingPod,
    AutoscalerObservation? Autoscaler = null);
