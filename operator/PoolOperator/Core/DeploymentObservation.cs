namespace PoolOperator.Core;

/// <summary>What the reconciler saw of one pool's Deployment and its pods.</summary>
internal sealed record DeploymentObservation(
    string Name,
    int SpecReplicas,
    int ReadyReplicas,
    string? TemplateHash,
    int TotalRestarts,
    string? CrashLoopingPod);
