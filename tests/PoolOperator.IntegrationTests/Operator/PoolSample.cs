using k8s.Models;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// One look at a migration and its Deployments, read in this order: migration, V1, V2, V2's pods, flags ConfigMap.
/// The order matters for sound checks: a V1 shrink seen before V2 was read cannot have happened after V2 became ready.
/// </summary>
internal sealed record PoolSample(
    DateTimeOffset Started,
    DateTimeOffset Done,
    PoolMigration? Migration,
    V1Deployment? V1,
    V1Deployment? V2,
    DateTimeOffset V2ReadStarted,
    DateTimeOffset V2ReadDone,
    IReadOnlyList<V1Pod> V2Pods,
    V1ConfigMap? Flags)
{
    public int? V1Replicas => V1?.Spec?.Replicas;

    public int V1Ready => V1?.Status?.ReadyReplicas ?? 0;

    public int? V2Replicas => V2?.Spec?.Replicas;

    public int V2Ready => V2?.Status?.ReadyReplicas ?? 0;

    public bool V2CrashLooping => V2Pods.Any(p => (p.Status?.ContainerStatuses ?? []).Any(c => c.State?.Waiting?.Reason == "CrashLoopBackOff"));

    public string? RolloutJson => Flags?.Data is { } data && data.TryGetValue("rollout.json", out var json) ? json : null;
}
