namespace PoolOperator.Core;

/// <summary>What the reconciler saw of one pool's Deployment and its pods.</summary>
/// <param name="Autoscaler">The HorizontalPodAutoscaler scaling this Deployment; null when the operator sets its replicas itself.</param>
/// <param name="Settled">
/// The Deployment's controllers have applied its latest spec and no pod is due to be removed: its status has observed
/// the current generation and counts no more pods than <see cref="SpecReplicas"/>. Until then the status can count
/// ready pods that a scale-down already written is about to remove.
/// </param>
internal sealed record DeploymentObservation(
    string Name,
    int SpecReplicas,
    int ReadyReplicas,
    string? TemplateHash,
    int TotalRestarts,
    string? CrashLoopingPod,
    AutoscalerObservation? Autoscaler = null,
    bool Settled = true)
{
    /// <summary>
    /// The ready pods that traffic, or the other pool's shrinking, may count on: none while the Deployment is not
    /// <see cref="Settled"/>, since the count it reports may include pods its controllers are about to remove.
    /// </summary>
    public int DependableReady => Settled ? ReadyReplicas : 0;
}
