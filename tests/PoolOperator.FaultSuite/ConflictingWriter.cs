using k8s;
using k8s.Models;

namespace PoolOperator.FaultSuite;

/// <summary>
/// Another writer of the pools' <c>spec.replicas</c> (a person's <c>kubectl scale</c>, a script), through the scale
/// subresource under its own field manager. It adds one or two replicas to V1 or V2 of a migration still in its
/// first two stages, so the operator has to take the field back while it keeps its capacity promise; it never removes
/// pods, since capacity a writer takes away is not the operator's to keep.
/// </summary>
internal sealed class ConflictingWriter(IKubernetes client, string ns, InvariantChecker checker, IReadOnlyList<PoolPlan> pools)
{
    public const string FieldManager = "fault-suite-writer";

    private int writes;

    public int Writes => Volatile.Read(ref writes);

    /// <summary>Makes one conflicting write to a pool chosen with <paramref name="random"/>; returns what it did, or null when no pool qualified.</summary>
    public async Task<string?> WriteOnceAsync(Random random, CancellationToken cancellationToken)
    {
        var candidates = pools
            .Where(p => p.Kind is PoolKind.Healthy or PoolKind.HangingWebhook)
            .Where(p => checker.Latest(p.Name)?.Status is { Phase: "Progressing" or "Paused" or "Initializing", StageIndex: null or <= 1 })
            .ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        var pool = candidates[random.Next(candidates.Count)];
        var deployment = random.Next(2) == 0 ? pool.V1 : pool.V2;
        var added = 1 + random.Next(2);
        var current = await client.AppsV1.ReadNamespacedDeploymentScaleAsync(deployment, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        var replicas = (current.Spec?.Replicas ?? 0) + added;
        var patch = new V1Patch(new { spec = new { replicas } }, V1Patch.PatchType.MergePatch);
        await client.AppsV1.PatchNamespacedDeploymentScaleAsync(patch, deployment, ns, fieldManager: FieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref writes);
        return $"{deployment} scaled to {replicas}";
    }
}
