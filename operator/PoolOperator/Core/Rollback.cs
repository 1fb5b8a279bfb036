using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

/// <summary>
/// The revert to the original state: what a trigger does, recording the rollback, restoring V1 and the traffic,
/// draining and releasing V2, and RolledBack once both pools are back.
/// </summary>
internal static class Rollback
{
    /// <summary>
    /// A rollback trigger fired: with automatic rollback the revert starts and continues in this round, otherwise
    /// the migration pauses on it. True either way: the trigger holds the migration.
    /// </summary>
    public static bool Trigger(DecisionRound round, string trigger, string reason)
    {
        if (round.Plan.AutomaticRollback)
        {
            Start(round, trigger, reason);
            Continue(round);
            return true;
        }

        var status = round.Status;
        if (status.Pause?.Reason != PauseReasons.Trigger)
        {
            status.Pause = new PauseStatus { Reason = PauseReasons.Trigger, Message = $"{trigger}: {reason}", At = round.Now.UtcDateTime };
            round.Warning("RollbackTriggerPaused",
                $"Rollback trigger {trigger} fired and rollback.automatic is false, so the migration is paused: {reason}");
        }

        return true;
    }

    /// <summary>Records the rollback; the caller continues it in the same round.</summary>
    public static void Start(DecisionRound round, string trigger, string reason)
    {
        var status = round.Status;
        status.Rollback = new RollbackStatus
        {
            Trigger = trigger,
            Reason = reason,
            At = round.Now.UtcDateTime,
            FromStage = status.StageName,
            Weight = status.Weight ?? 0,
            Snapshot = AnalysisBook.Snapshot(status),
        };
        RunHistory.RollbackStarted(round);
        status.Pause = null;
        status.Phase = Phases.RollingBack;
        status.Weight = status.Original?.Weight ?? 0;
        status.ShadowPercent = 0;
        status.Message = $"Rolling back from stage {status.StageName}: {reason}";
    }

    public static void Continue(DecisionRound round)
    {
        var (original, rollback) = (round.Status.Original!, round.Status.Rollback!);
        var (v1, v2) = (round.V1, round.V2);
        var drainEnds = AnalysisBook.ToOffset(rollback.At!.Value) + round.Plan.ScaleDownDelay;
        var (v1Original, v2Original) = (Autoscaling.OriginalLever(original.V1), Autoscaling.OriginalLever(original.V2));
        var v1Restored = v1.SpecReplicas == v1Original && v1.DependableReady >= v1Original;

        // V2 keeps its pods while in-flight work drains, and while V1 lacks the capacity to replace them.
        var releaseV2 = round.Now >= drainEnds && (v1Restored || v2.ReadyReplicas == 0);
        round.Wake(drainEnds);
        if (v1Restored && v2.SpecReplicas == v2Original)
        {
            MarkRolledBack(round);
        }
        else
        {
            round.Status.Phase = Phases.RollingBack;
            round.Status.Message = $"Rolling back from stage {rollback.FromStage} ({rollback.Trigger}): restoring V1 to {v1Original} ({v1.ReadyReplicas} ready), V2 to {v2Original}";
        }

        // V1 grows before the traffic returns to it; V2 shrinks after the traffic left it.
        round.Restore(v1, original.V1);
        RestoreTraffic(round);
        if (releaseV2)
        {
            round.Restore(v2, original.V2);
        }

        Conditions.Write(round);
    }

    public static void RestoreTraffic(DecisionRound round) => round.Route(TrafficState.Restore(round.Status.Phase ?? Phases.RollingBack));

    private static void MarkRolledBack(DecisionRound round)
    {
        var (status, rollback) = (round.Status, round.Status.Rollback!);
        status.Phase = Phases.RolledBack;
        rollback.CompletedAt = round.Now.UtcDateTime;
        RunHistory.RolledBack(round);

        // A retry or a new generation that arrived during the revert was left for this moment: act on it now.
        if (round.Pending(ActionAnnotations.Retry, status.HandledActions?.Retry) || status.ObservedGeneration != round.Generation)
        {
            round.WakeNow();
        }

        status.Message = $"Rolled back from stage {rollback.FromStage} ({rollback.Trigger}): {rollback.Reason}. Retry with annotation {ActionAnnotations.Retry} or a spec change";
    }
}
