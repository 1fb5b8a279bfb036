using k8s.Models;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.FaultSuite;

/// <summary>
/// The invariants as pure functions of what the watches delivered: each returns the problems it finds (empty when the
/// version is fine), so the checker only has to feed it versions and count.
/// </summary>
internal static class MigrationInvariants
{
    private static readonly HashSet<string> RollbackPhases = new(StringComparer.Ordinal) { "RollingBack", "RolledBack" };

    /// <summary>
    /// <see cref="Invariants.NoStageSkipped"/>: the weight is one a stage up to the current one asks for (100 once every
    /// stage passed); the run's history enters stages 0, 1, 2, ... with none left out; and between two consecutive
    /// versions (<paramref name="consecutive"/>) the stage index grows by at most one and the weight passes no stage's.
    /// </summary>
    public static IEnumerable<string> StageProblems(PoolMigrationStatus? before, PoolMigration migration, bool consecutive)
    {
        var status = migration.Status!;
        var stages = migration.Spec.Stages;
        var weight = status.Weight ?? 0;
        var index = status.StageIndex ?? 0;
        var promoted = status.PromotedAt is not null || status.Phase is "Completing" or "Completed";
        var allowed = stages.Take(index + 1).Select(s => s.Weight ?? 0).Append(0).ToHashSet();
        if (!allowed.Contains(weight) && !(promoted && weight == 100))
        {
            yield return $"weight {weight} at stage {index} ({status.StageName}); stages up to it ask for {string.Join("/", allowed.Order())}";
        }

        var run = status.History?.LastOrDefault(r => r.Run == status.Run) ?? status.History?.LastOrDefault();
        if (run is not null)
        {
            var entered = run.Stages.Select(s => s.Index).ToList();
            if (!entered.SequenceEqual(Enumerable.Range(0, entered.Count)))
            {
                yield return $"run {run.Run} history enters stages [{string.Join(",", entered)}]";
            }
        }

        if (!consecutive || before is null || before.Run != status.Run)
        {
            yield break;
        }

        var beforeIndex = before.StageIndex ?? 0;
        if (index > beforeIndex + 1)
        {
            yield return $"stage index {beforeIndex} -> {index} in one step";
        }

        var beforeWeight = before.Weight ?? 0;
        var passedOver = stages.Select(s => s.Weight ?? 0).Where(w => w > beforeWeight && w < weight).Distinct().ToList();
        if (passedOver.Count > 0)
        {
            yield return $"weight {beforeWeight} -> {weight} passed over {string.Join("/", passedOver)}";
        }
    }

    /// <summary>Whether this version shows a rollback (recorded, under way or done).</summary>
    public static bool ShowsRollback(PoolMigrationStatus status) => status.Rollback is not null || RollbackPhases.Contains(status.Phase ?? "");

    /// <summary>
    /// <see cref="Invariants.RollbackKept"/>: after <paramref name="mark"/>, the phase stays RollingBack or RolledBack,
    /// status.rollback stays, and the run stays the same (nothing here retries).
    /// </summary>
    public static string? RollbackLost(RollbackMark mark, PoolMigrationStatus status) =>
        RollbackPhases.Contains(status.Phase ?? "") && status.Rollback is not null && status.Run == mark.Run
            ? null
            : $"after a rollback of run {mark.Run}: phase {status.Phase}, run {status.Run}, status.rollback {(status.Rollback is null ? "gone" : "kept")}";

    /// <summary><see cref="Invariants.NoForwardAfterRollback"/>: after <paramref name="mark"/> neither the weight nor the stage index grows.</summary>
    public static string? MovedForward(RollbackMark mark, PoolMigrationStatus? before, PoolMigrationStatus status)
    {
        var previousWeight = before?.Weight ?? 0;
        return (status.Weight ?? 0) > previousWeight || (status.StageIndex ?? 0) > mark.StageIndex
            ? $"after a rollback at stage {mark.StageIndex}: weight {previousWeight} -> {status.Weight}, stage {status.StageIndex}"
            : null;
    }

    /// <summary><see cref="Invariants.Capacity"/>: V1 ready + V2 ready is at least the <paramref name="promised"/> replicas.</summary>
    public static string? CapacityShort(V1Deployment v1, V1Deployment v2, int promised)
    {
        var (v1Ready, v2Ready) = (v1.Status?.ReadyReplicas ?? 0, v2.Status?.ReadyReplicas ?? 0);
        return v1Ready + v2Ready >= promised
            ? null
            : $"ready {v1Ready} (V1, spec {v1.Spec?.Replicas}) + {v2Ready} (V2, spec {v2.Spec?.Replicas}) = {v1Ready + v2Ready} < {promised}";
    }
}
