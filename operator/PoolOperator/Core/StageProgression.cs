namespace PoolOperator.Core;

/// <summary>
/// A run moving forward through its stages: the stage's targets, capacity and traffic, readiness, the deadline,
/// passing a stage on its checks and gate, and completion once the rollback window after the last stage passed.
/// </summary>
internal static class StageProgression
{
    /// <summary>Enters stage <paramref name="index"/>; the stage under way ends as <paramref name="previousOutcome"/> in the history.</summary>
    public static void Enter(DecisionRound round, int index, string previousOutcome = HistoryOutcomes.Passed)
    {
        RunHistory.EnterStage(round, index, previousOutcome);
        var status = round.Status;
        status.StageIndex = index;
        status.StageName = round.Plan.Stages[index].Name;
        status.StageStartedAt = round.Now.UtcDateTime;
        status.StageReadyAt = null;
        AnalysisBook.StartStage(status);
        round.EnteredStages.Add(index);
    }

    public static void Advance(DecisionRound round)
    {
        var stage = CurrentStage(round);

        // Measurements of this round were taken before this round's actions: they speak for the stage only when
        // its capacity and traffic were already in place when the round began.
        var stageWasReady = round.Status.StageReadyAt is not null;
        Requests.ApplyLevelPause(round);
        var targets = StageTargets.For(round, stage);

        // Checks are judged before anything moves: a trigger or an inconclusive pause holds this round's traffic,
        // and a rollback they start ends the forward round.
        CheckJudging.Record(round, targets.V2, stageWasReady);
        var triggered = CheckJudging.Judge(round);
        if (round.Reverting)
        {
            return;
        }

        targets = ReleaseV1AfterWindow(round, targets);
        var desired = PlaceTrafficAndCapacity(round, targets);

        // A trigger already fired holds the migration: the deadline is not judged on top of it.
        triggered = triggered || CheckJudging.JudgeDeadline(round, targets);
        if (round.Reverting)
        {
            return;
        }

        // Paused by a trigger: hold the current desired state, judge nothing further.
        if (!triggered)
        {
            Conclude(round, targets);
        }

        if (round.Status.Phase != Phases.Completed)
        {
            ActivePhase.Set(round);
        }

        if (round.Status.StageIndex != stage.Index)
        {
            // The stage passed: its sizes no longer apply and the next stage's are for the next round. Sizing for the
            // passed stage would still shrink a pool (taking back replicas another writer added) that the next stage
            // grows again at once, and a Deployment scaled down and straight back up loses ready pods its status still counts.
            CapacityFirst.RouteOnly(round);
            return;
        }

        CapacityFirst.Emit(round, desired, CapacityFirst.DesiredMaxima(round, targets));
    }

    /// <summary>Shifts the traffic unless paused, marks the stage ready once all is in place, and says which replicas to ask for.</summary>
    private static (int V1, int V2) PlaceTrafficAndCapacity(DecisionRound round, StageTargets targets)
    {
        // Nothing moves traffic while the migration is paused.
        if (round.Status.Pause is null)
        {
            CapacityFirst.ShiftTrafficWhenReceiverReady(round, targets);
        }

        if (CapacityFirst.StageInPlace(round, targets))
        {
            round.Status.StageReadyAt ??= round.Now.UtcDateTime;
        }

        return CapacityFirst.DesiredReplicas(round, targets);
    }

    /// <summary>The stage the status names, entered again when the spec no longer has that many stages.</summary>
    private static PlannedStage CurrentStage(DecisionRound round)
    {
        var stage = round.Plan.Stages[Math.Clamp(round.Status.StageIndex ?? 0, 0, round.Plan.Stages.Count - 1)];
        if (round.Status.StageIndex != stage.Index)
        {
            Enter(round, stage.Index, HistoryOutcomes.Restarted);
        }

        return stage;
    }

    /// <summary>V1 goes only when nothing holds the migration, the rollback window passed and V2 alone has the ready capacity for everything.</summary>
    private static StageTargets ReleaseV1AfterWindow(DecisionRound round, StageTargets targets)
    {
        var v2 = round.V2;
        var release = targets.Completing && round.Status.Pause is null && round.Now >= WindowEnds(round)
            && v2.DependableReady >= targets.Total && v2.SpecReplicas >= targets.Total;
        return release ? targets with { V1 = 0 } : targets;
    }

    private static DateTimeOffset WindowEnds(DecisionRound round) =>
        AnalysisBook.ToOffset(round.Status.PromotedAt!.Value) + round.Plan.RollbackWindow;

    private static void Conclude(DecisionRound round, StageTargets targets)
    {
        var status = round.Status;
        if (targets.Completing)
        {
            CompleteAfterWindow(round, targets);
        }
        else if (status.Pause is null && status.StageReadyAt is { } readyAt)
        {
            var stageEnds = AnalysisBook.ToOffset(readyAt) + targets.Stage.Duration;
            if (round.Now < stageEnds)
            {
                round.Wake(stageEnds);
            }
            else if (AnalysisBook.StagePassed(status, round.Plan) && round.V2.DependableReady >= targets.V2)
            {
                // v2-ready was recorded when the checks were last measured, up to an interval ago: a stage that ends
                // between two measurements passes only while V2 still has the stage's ready pods.
                Pass(round, targets.Stage);
            }
        }
        else if (status.StageReadyAt is null)
        {
            round.Wake(AnalysisBook.ToOffset(status.StageStartedAt!.Value) + round.Plan.ProgressDeadline);
        }
    }

    private static void CompleteAfterWindow(DecisionRound round, StageTargets targets)
    {
        if (targets.V1 != 0 || (round.V1.SpecReplicas != 0 && !Autoscaling.Retired(round.V1)))
        {
            round.Wake(WindowEnds(round));
            return;
        }

        RunHistory.Completed(round);
        var status = round.Status;
        status.Phase = Phases.Completed;
        status.CompletedAt = round.Now.UtcDateTime;
        status.Message = $"Completed: V2 serves 100% with {round.V2.ReadyReplicas}/{targets.Total} ready; {Autoscaling.RetiredV1(round.V1.Autoscaler is not null)}";
        Cleanup.Begin(round, WindowEnds(round));
    }

    /// <summary>Passes a stage whose duration and checks are done: through its gate when it has one, to the next stage or the rollback window.</summary>
    private static void Pass(DecisionRound round, PlannedStage stage)
    {
        if (stage.RequiresApproval && !Requests.TakeApproval(round, stage))
        {
            round.Status.Phase = Phases.AwaitingApproval;
            return;
        }

        if (stage.Index == round.Plan.Stages.Count - 1)
        {
            RunHistory.Promoted(round);
            round.Status.PromotedAt = round.Now.UtcDateTime;
            if (round.Plan.RollbackWindow > TimeSpan.Zero)
            {
                round.Wake(round.Now + round.Plan.RollbackWindow);
            }
            else
            {
                round.WakeNow();
            }

            return;
        }

        Enter(round, stage.Index + 1);
        round.WakeNow();
    }
}
