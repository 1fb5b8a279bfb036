using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

/// <summary>
/// Judging the checks while a run moves forward: recording the built-in checks and this round's measurements
/// when they are due, firing failure-limit triggers and inconclusive pauses, and the stage's progress deadline.
/// </summary>
internal static class CheckJudging
{
    /// <summary>Records the checks when due, else asks to be woken when they are.</summary>
    /// <param name="stageWasReady">The stage's capacity and traffic were in place before this round acted.</param>
    public static void Record(DecisionRound round, int v2Target, bool stageWasReady)
    {
        if (!AnalysisSchedule.IsDue(round.Input.NextAnalysisAt, round.Now))
        {
            round.Wake(round.Input.NextAnalysisAt!.Value);
            return;
        }

        var status = round.Status;
        var builtIn = BuiltInChecks.Measure(round.V2, v2Target, stageWasReady, AnalysisBook.LastValue(status, BuiltInChecks.V2Restarts), round.Now);
        AnalysisBook.Record(status, builtIn.Concat(round.Input.Measurements), stageWasReady, round.Now);
        round.Wake(AnalysisSchedule.NextAfter(round.Input.NextAnalysisAt, round.Now, round.Plan));
    }

    /// <summary>Fires failure-limit triggers and inconclusive pauses. True when a trigger fired (rollback or trigger pause).</summary>
    public static bool Judge(DecisionRound round)
    {
        var status = round.Status;
        if (AnalysisBook.FirstAtFailureLimit(status, round.Plan.FailureLimit) is { } failing)
        {
            return Rollback.Trigger(round, failing.Name, $"check {failing.Name} failed {failing.ConsecutiveFailures} times in a row: {failing.Message}");
        }

        var inconclusive = AnalysisBook.FirstAtInconclusiveLimit(status, round.Plan.InconclusiveLimit);
        if (inconclusive is not null && status.Pause is null)
        {
            status.Pause = new PauseStatus
            {
                Reason = PauseReasons.Inconclusive,
                Message = $"check {inconclusive.Name} was inconclusive {inconclusive.ConsecutiveInconclusive} times in a row: {inconclusive.Message}",
                At = round.Now.UtcDateTime,
            };
        }
        else if (inconclusive is null && status.Pause?.Reason == PauseReasons.Inconclusive)
        {
            round.Normal("Resumed", "Resumed: analysis has data again");
            status.Pause = null;
        }

        return false;
    }

    /// <summary>
    /// Fires the progress-deadline trigger when V2 did not reach the stage's ready count in time. The deadline is
    /// V2's to meet: a stage waiting only for V1's scale-down to be observed is not late. True when it fired.
    /// </summary>
    public static bool JudgeDeadline(DecisionRound round, StageTargets targets)
    {
        var (status, v2, deadline) = (round.Status, round.V2, round.Plan.ProgressDeadline);
        if (status.StageReadyAt is not null || status.Pause is not null || v2.ReadyReplicas >= targets.V2
            || round.Now < AnalysisBook.ToOffset(status.StageStartedAt!.Value) + deadline)
        {
            return false;
        }

        return Rollback.Trigger(round, BuiltInChecks.ProgressDeadline,
            $"V2 did not reach {targets.V2} ready replicas within {deadline.TotalSeconds:0}s of stage {targets.Stage.Name} ({v2.ReadyReplicas} ready)");
    }
}
