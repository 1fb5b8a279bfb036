namespace PoolOperator.Core;

/// <summary>The status conditions, all derived from the status the round has built.</summary>
internal static class Conditions
{
    public static void Write(DecisionRound round)
    {
        var status = round.Status;
        var phase = status.Phase ?? Phases.Pending;
        var message = status.Message ?? "";
        Set(round, ConditionTypes.InvalidSpec, phase == Phases.Invalid,
            phase == Phases.Invalid ? "InvalidSpec" : "Valid", phase == Phases.Invalid ? message : "spec is valid");
        Set(round, ConditionTypes.Completed, phase == Phases.Completed,
            phase == Phases.Completed ? "Completed" : phase, phase == Phases.Completed ? message : "not completed");
        Set(round, ConditionTypes.RolledBack, phase == Phases.RolledBack,
            phase == Phases.RolledBack ? "RolledBack" : phase, status.Rollback is { } rollback ? $"{rollback.Trigger}: {rollback.Reason}" : "no rollback");
        Set(round, ConditionTypes.Progressing, Phases.Moving.Contains(phase), phase, message);
        WriteHealthy(round);
        WriteReady(round, phase);
        if (round.Input.V2 is not null)
        {
            TrafficIsolation.Write(round);
        }
    }

    private static void WriteHealthy(DecisionRound round)
    {
        var failing = AnalysisBook.FirstFailingNow(round.Status);
        Set(round, ConditionTypes.Healthy, failing is null,
            failing is null ? "ChecksPassing" : "CheckFailing",
            failing is null ? "no check is failing" : $"{failing.Name}: {failing.Message}");
    }

    private static void WriteReady(DecisionRound round, string phase)
    {
        var status = round.Status;
        var ready = (status.V1?.ReadyReplicas ?? 0) + (status.V2?.ReadyReplicas ?? 0);

        // A revert promises V1's original capacity; otherwise the migration promises its replicas across both pools.
        var promised = Phases.Reverting.Contains(phase)
            ? (status.Original is { } original ? Autoscaling.OriginalLever(original.V1) : 0)
            : (round.Migration.Spec.Replicas ?? status.Original?.Replicas ?? 0);
        var reason = phase == Phases.Invalid ? "InvalidSpec" : ready >= promised ? "CapacityReady" : "CapacityShort";
        Set(round, ConditionTypes.Ready, ready >= promised && phase != Phases.Invalid, reason, $"{ready} of {promised} promised replicas ready");
    }

    private static void Set(DecisionRound round, string type, bool value, string reason, string message) =>
        ConditionWriter.Set(round.Status, type, value, reason, message, round.Generation, round.Now);
}
