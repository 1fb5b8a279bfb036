using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

/// <summary>
/// The milestone Events a status implies (stage started, gate reached, every stage passed, completed, rollback
/// fired and finished), each keyed by run and stage so it is recorded once. They are derived from the status
/// and repeated every round while it shows them: Events are recorded after the status write, and a crash in
/// between must not lose one. The one thing a status cannot show is a stage entered and passed within the same
/// round; its milestone comes from that round.
/// </summary>
internal static class Milestones
{
    /// <summary>
    /// How long a milestone of the past is still asked for (the apiserver's default <c>--event-ttl</c>). A stage whose
    /// StageStarted was lost to a crash may pass in the next process' first round, so every stage the run's history shows
    /// started is asked for, not only the current one, and a completed run still asks for its last stages; an older
    /// milestone has outlived its Event, and recording it again would announce as news a stage long passed.
    /// </summary>
    public static readonly TimeSpan PastMilestoneLifetime = TimeSpan.FromHours(1);

    public static void Record(DecisionRound round) =>
        round.Events.AddRange(For(round.Status, round.Plan, round.EnteredStages, round.Now));

    /// <param name="enteredThisRound">Stages entered by this round, which the status may no longer show as current.</param>
    public static IReadOnlyList<MigrationEvent> For(PoolMigrationStatus status, MigrationPlan plan, IEnumerable<int> enteredThisRound, DateTimeOffset now)
    {
        var run = status.Run ?? 1;
        if (status.Rollback is { } rollback)
        {
            return Rollback(status, rollback, run);
        }

        var started = enteredThisRound.Concat(RecentlyStarted(status, now));
        if (status.Phase == Phases.Completed)
        {
            return
            [
                .. StagesStarted(plan, started, run),
                .. status.PromotedAt is { } promotedAt && now - AnalysisBook.ToOffset(promotedAt) < PastMilestoneLifetime ? [StagesPassed(run, completed: true)] : Array.Empty<MigrationEvent>(),
                new(MigrationEvent.Normal, "Completed", $"Migration completed: V2 serves 100%; {Autoscaling.RetiredV1(status.Original?.V1.Autoscaler is not null)}", $"run{run}-completed"),
                .. CleanedUp(status, run),
            ];
        }

        if (status.Phase == Phases.Invalid || status.StageIndex is not { } index || index >= plan.Stages.Count)
        {
            return [];
        }

        var events = StagesStarted(plan, started.Append(index), run);
        events.AddRange(TrafficIsolationWarning(status, index, run));
        if (status.Phase == Phases.AwaitingApproval)
        {
            events.Add(new(MigrationEvent.Normal, "AwaitingApproval",
                $"Run {run}: stage {plan.Stages[index].Name} passed and waits for approval", $"run{run}-stage{index}-gate"));
        }

        // One per pause: a resumed migration that pauses again on the same stage is news again.
        if (status.Pause is { Reason: PauseReasons.Inconclusive } pause)
        {
            events.Add(new(MigrationEvent.Warning, "AnalysisInconclusive", $"Paused: {pause.Message}",
                $"run{run}-stage{index}-inconclusive-{pause.At:yyyyMMddTHHmmssfff}"));
        }

        if (status.PromotedAt is not null)
        {
            events.Add(StagesPassed(run, completed: false));
        }

        return events;
    }

    /// <summary>In stage order, so a StageStarted recovered after a crash is created before the next stage's.</summary>
    private static List<MigrationEvent> StagesStarted(MigrationPlan plan, IEnumerable<int> stages, int run) =>
        [.. stages.Where(index => index < plan.Stages.Count).Distinct().Order().Select(index => StageStarted(plan, plan.Stages[index], run))];

    // Recorded late, once the run completed, it must not say V1 is still warm: V1 is retired by then.
    private static MigrationEvent StagesPassed(int run, bool completed) =>
        new(MigrationEvent.Normal, "StagesPassed",
            completed ? "All stages passed: V2 serves 100%" : "All stages passed: V2 serves 100%, V1 stays warm for the rollback window", $"run{run}-promoted");

    /// <summary>The stages of the current run that its history shows started within <see cref="PastMilestoneLifetime"/>.</summary>
    private static IEnumerable<int> RecentlyStarted(PoolMigrationStatus status, DateTimeOffset now) =>
        status.History?.LastOrDefault(r => r.Run == (status.Run ?? 1)) is { } run
            ? run.Stages.Where(s => s.StartedAt is { } at && now - AnalysisBook.ToOffset(at) < PastMilestoneLifetime).Select(s => s.Index)
            : [];

    /// <summary>One Event per object the cleanup removed, found gone or kept.</summary>
    private static IEnumerable<MigrationEvent> CleanedUp(PoolMigrationStatus status, int run) =>
        (status.Cleanup?.Objects ?? []).Where(o => o.Outcome is not null).Select(o => new MigrationEvent(
            MigrationEvent.Normal, "CleanedUp", $"Cleanup after completion: {Core.Cleanup.Done(o)}", $"run{run}-cleanup-{o.Kind}-{o.Name}"));

    private static MigrationEvent StageStarted(MigrationPlan plan, PlannedStage stage, int run) =>
        new(MigrationEvent.Normal, "StageStarted", $"Run {run}: stage {stage.Name} started, {TrafficWording.Intended(plan, stage)}", $"run{run}-stage{stage.Index}");

    /// <summary>One Warning per run, stage and set of Services found selecting V2's pods while V2 must answer nobody.</summary>
    private static IEnumerable<MigrationEvent> TrafficIsolationWarning(PoolMigrationStatus status, int index, int run)
    {
        var condition = status.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.TrafficIsolation);
        if (condition is not { Status: "False" })
        {
            return [];
        }

        return [new(MigrationEvent.Warning, TrafficIsolation.ServiceSelectsV2Reason, condition.Message,
            $"run{run}-stage{index}-isolation|{condition.Message}")];
    }

    // The reasons users filter on (docs/actions.md, kubectl describe); both are Warnings.
    private static List<MigrationEvent> Rollback(PoolMigrationStatus status, RollbackStatus rollback, int run)
    {
        List<MigrationEvent> events =
        [
            new(MigrationEvent.Warning, "RollbackTriggered",
                $"Rolling back from stage {rollback.FromStage} at weight {rollback.Weight}% (trigger {rollback.Trigger}): {rollback.Reason}", $"run{run}-rollback"),
        ];
        if (status.Phase == Phases.RolledBack)
        {
            events.Add(new(MigrationEvent.Warning, "RolledBack",
                $"Rolled back from stage {rollback.FromStage}: replicas, flags and route weights are back to the original state", $"run{run}-rolledback"));
        }

        return events;
    }
}
