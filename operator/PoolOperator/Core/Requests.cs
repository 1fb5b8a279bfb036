using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

/// <summary>
/// What people ask through annotations: the one-shot requests (approve, promote, abort, retry, resume), each
/// handled once per token, and the level-triggered pause (spec.paused or the paused annotation).
/// </summary>
internal static class Requests
{
    /// <summary>Handles the pending one-shot requests, in the order in which one may supersede the next.</summary>
    public static void Handle(DecisionRound round)
    {
        var handled = round.Status.HandledActions ??= new HandledActions();

        // A retry starts a new run, which takes every other request of this round as handled.
        if (Retry(round, handled))
        {
            return;
        }

        // An abort starts the revert; later requests meet a migration that is rolling back in the next round.
        if (Abort(round, handled))
        {
            return;
        }

        Promote(round, handled);

        // An approval only ever passes the gate that is waiting now, never a future one.
        if (round.Pending(ActionAnnotations.Approve, handled.Approve) && round.Status.Phase != Phases.AwaitingApproval)
        {
            handled.Approve = round.Annotation(ActionAnnotations.Approve);
            Ignored(round, "approve", "no stage is awaiting approval");
        }

        Resume(round, handled);
    }

    /// <summary>Takes a pending approval for the gate of <paramref name="stage"/>. False when none is pending.</summary>
    public static bool TakeApproval(DecisionRound round, PlannedStage stage)
    {
        var handled = round.Status.HandledActions ??= new HandledActions();
        if (!round.Pending(ActionAnnotations.Approve, handled.Approve))
        {
            return false;
        }

        handled.Approve = round.Annotation(ActionAnnotations.Approve);
        round.Normal("Approved", $"Stage {stage.Name} approved");
        return true;
    }

    public static void MarkAllHandled(DecisionRound round)
    {
        var handled = round.Status.HandledActions ??= new HandledActions();
        handled.Approve = round.Annotation(ActionAnnotations.Approve);
        handled.Promote = round.Annotation(ActionAnnotations.Promote);
        handled.Abort = round.Annotation(ActionAnnotations.Abort);
        handled.Resume = round.Annotation(ActionAnnotations.Resume);
        handled.Retry = round.Annotation(ActionAnnotations.Retry);
    }

    /// <summary>Pauses while spec.paused or the paused annotation holds the migration, and lifts that pause once neither does.</summary>
    public static void ApplyLevelPause(DecisionRound round)
    {
        var status = round.Status;
        var levelReason = LevelPauseReason(round);
        if (status.Pause is null && levelReason is not null)
        {
            status.Pause = new PauseStatus
            {
                Reason = levelReason,
                Message = levelReason == PauseReasons.Spec ? "spec.paused is true" : $"annotation {ActionAnnotations.Paused}=true",
                At = round.Now.UtcDateTime,
            };
            round.Normal("Paused", $"Paused: {status.Pause.Message}");
        }
        else if (status.Pause?.Reason is PauseReasons.Spec or PauseReasons.Annotation && levelReason is null)
        {
            round.Normal("Resumed", "Resumed: the pause was lifted");
            status.Pause = null;
        }
    }

    private static bool Retry(DecisionRound round, HandledActions handled)
    {
        var status = round.Status;
        if (!round.Pending(ActionAnnotations.Retry, handled.Retry) || status.Phase == Phases.RollingBack)
        {
            // During a revert the retry is left pending on purpose: it starts as soon as the revert is complete.
            return false;
        }

        if (status.Phase == Phases.RolledBack || status.Pause?.Reason == PauseReasons.Trigger)
        {
            round.Normal("Retry", "Retry requested: starting again from the first stage");
            Lifecycle.StartRun(round, "retry");
            return true;
        }

        handled.Retry = round.Annotation(ActionAnnotations.Retry);
        Ignored(round, "retry", "there is no rollback or failed check to retry from");
        return false;
    }

    private static bool Abort(DecisionRound round, HandledActions handled)
    {
        if (!round.Pending(ActionAnnotations.Abort, handled.Abort))
        {
            return false;
        }

        handled.Abort = round.Annotation(ActionAnnotations.Abort);
        if (Phases.IsIn(Phases.Active, round.Status.Phase))
        {
            Rollback.Start(round, "abort", "aborted by a person");
            return true;
        }

        Ignored(round, "abort", $"the migration is {round.Status.Phase}");
        return false;
    }

    private static void Promote(DecisionRound round, HandledActions handled)
    {
        if (!round.Pending(ActionAnnotations.Promote, handled.Promote))
        {
            return;
        }

        handled.Promote = round.Annotation(ActionAnnotations.Promote);
        if (!Phases.IsIn(Phases.Active, round.Status.Phase) || round.Status.PromotedAt is not null)
        {
            Ignored(round, "promote", $"the migration is {round.Status.Phase}");
            return;
        }

        var last = round.Plan.Stages.Count - 1;
        round.Normal("Promoted", $"Promoted by a person: skipping to the last stage {round.Plan.Stages[last].Name}");
        if (round.Status.StageIndex != last)
        {
            StageProgression.Enter(round, last, HistoryOutcomes.Promoted);
        }
    }

    private static void Resume(DecisionRound round, HandledActions handled)
    {
        if (!round.Pending(ActionAnnotations.Resume, handled.Resume))
        {
            return;
        }

        handled.Resume = round.Annotation(ActionAnnotations.Resume);
        var status = round.Status;
        if (status.Pause?.Reason is PauseReasons.Trigger or PauseReasons.Inconclusive)
        {
            round.Normal("Resumed", $"Resumed by a person after: {status.Pause.Message}");
            status.Pause = null;
            AnalysisBook.ResetStreaks(status);
            if (status.Phase == Phases.Paused)
            {
                status.Phase = Phases.Progressing;
            }
        }
        else if (status.Pause?.Reason is not (PauseReasons.Spec or PauseReasons.Annotation))
        {
            Ignored(round, "resume", "the migration is not paused");
        }
        else if (LevelPauseReason(round) is { } holding)
        {
            // The documented resume command removes the paused annotation along with the token: then this round
            // lifts the pause, and the token is not reported as ignored.
            Ignored(round, "resume", holding == PauseReasons.Spec
                ? "spec.paused is true; set it to false to resume"
                : $"annotation {ActionAnnotations.Paused} is set; remove it to resume");
        }
    }

    /// <summary>What holds the migration paused right now, from the spec and the annotations; null when nothing does.</summary>
    private static string? LevelPauseReason(DecisionRound round) =>
        round.Plan.Paused ? PauseReasons.Spec
        : string.Equals(round.Annotation(ActionAnnotations.Paused), "true", StringComparison.OrdinalIgnoreCase) ? PauseReasons.Annotation
        : null;

    private static void Ignored(DecisionRound round, string action, string why) => round.Normal("ActionIgnored", $"{action} ignored: {why}");
}
