using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

/// <summary>
/// status.history keeps each run as it happened — its stages with start, end, weight, outcome and check values, and
/// the rollback that ended it — written in the round that makes the transition and bounded in size.
/// </summary>
public sealed class HistoryTests
{
    private static readonly string[] StageNames = ["shadow", "canary-5", "canary-25", "half", "full"];

    private static MigrationSimulator Completed()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntil(s =>
        {
            s.ApproveWhenWaiting();
            return s.Phase == Phases.Completed;
        });
        return sim;
    }

    [Fact]
    public void A_completed_migration_has_one_run_with_every_stage_passed_in_order()
    {
        var sim = Completed();

        var run = Assert.Single(sim.Status.History!);
        Assert.Equal((1, "Started", HistoryOutcomes.Completed), (run.Run, run.Reason, run.Outcome));
        Assert.Equal(sim.Status.CompletedAt, run.EndedAt);
        Assert.Equal(sim.Status.PromotedAt, run.PromotedAt);
        Assert.Equal(StageNames, run.Stages.Select(s => s.Name));
        Assert.Equal([0, 5, 25, 50, 100], run.Stages.Select(s => s.Weight));
        Assert.Equal([100, 0, 0, 0, 0], run.Stages.Select(s => s.ShadowPercent));
        Assert.All(run.Stages, s => Assert.Equal(HistoryOutcomes.Passed, s.Outcome));
        Assert.All(run.Stages, s => Assert.True(s.StartedAt <= s.ReadyAt && s.ReadyAt < s.EndedAt, $"{s.Name}: {s.StartedAt} {s.ReadyAt} {s.EndedAt}"));

        // Each stage begins when the one before it ends; the last one ends when the rollback window begins.
        Assert.Equal(run.Stages.SkipLast(1).Select(s => s.EndedAt), run.Stages.Skip(1).Select(s => s.StartedAt));
        Assert.Equal(run.PromotedAt, run.Stages[^1].EndedAt);

        // Every stage kept its checks' last values, the configured one among them, passing.
        Assert.All(run.Stages, s => Assert.Contains(s.Checks, c => c.Name == ErrorRate && c.Verdict == "Pass" && c.MeasuredAt <= s.EndedAt));
        Assert.Null(run.Rollback);
    }

    [Fact]
    public void A_rollback_ends_the_stage_and_the_run_with_its_trigger_and_snapshot_and_a_retry_opens_the_next_run()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-25");
        sim.Verdicts[ErrorRate] = Verdict.Fail;
        sim.RunUntilPhase(Phases.RolledBack);

        var run = Assert.Single(sim.Status.History!);
        Assert.Equal(HistoryOutcomes.RolledBack, run.Outcome);
        Assert.Equal(["shadow", "canary-5", "canary-25"], run.Stages.Select(s => s.Name));
        Assert.Equal([HistoryOutcomes.Passed, HistoryOutcomes.Passed, HistoryOutcomes.RolledBack], run.Stages.Select(s => s.Outcome));
        var failed = run.Stages[^1];
        Assert.Equal("Fail", failed.Checks.Single(c => c.Name == ErrorRate).Verdict);

        var rollback = run.Rollback!;
        Assert.Equal((ErrorRate, "canary-25", 25), (rollback.Trigger, rollback.FromStage, rollback.Weight));
        Assert.Equal(failed.EndedAt, rollback.At);
        Assert.Equal("Fail", rollback.Snapshot[ErrorRate].Verdict);
        Assert.Equal(sim.Status.Rollback!.CompletedAt, rollback.CompletedAt);
        Assert.Equal(rollback.CompletedAt, run.EndedAt);

        sim.Verdicts[ErrorRate] = Verdict.Pass;
        sim.Request(ActionAnnotations.Retry);
        sim.Round();

        Assert.Equal(2, sim.Status.History!.Count);
        var retried = sim.Status.History[1];
        Assert.Equal((2, "Retry"), (retried.Run, retried.Reason));
        Assert.Null(retried.Outcome);
        var open = Assert.Single(retried.Stages);
        Assert.Equal(("shadow", (string?)null, (DateTime?)null), (open.Name, open.Outcome, open.EndedAt));

        // The first run is kept as it ended: the retry cleared status.rollback, not the history.
        Assert.Null(sim.Status.Rollback);
        Assert.Equal(ErrorRate, sim.Status.History[0].Rollback!.Trigger);
    }

    [Fact]
    public void Promote_marks_the_skipped_stage_and_a_spec_change_restarts_the_run()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        sim.Request(ActionAnnotations.Promote);
        sim.Round();

        var run = sim.Status.History!.Single();
        Assert.Equal(["shadow", "canary-5", "full"], run.Stages.Select(s => s.Name));
        Assert.Equal([HistoryOutcomes.Passed, HistoryOutcomes.Promoted, null], run.Stages.Select(s => s.Outcome));

        sim.ChangeSpec(spec => spec.Stages[0].Duration = "3m");
        sim.Round();

        var history = sim.Status.History!;
        Assert.Equal([HistoryOutcomes.Restarted, null], history.Select(r => r.Outcome));
        Assert.Equal(HistoryOutcomes.Restarted, history[0].Stages[^1].Outcome);
        Assert.Equal((2, "SpecChanged"), (history[1].Run, history[1].Reason));
    }

    [Fact]
    public void Only_the_last_ten_runs_are_kept_oldest_dropped_first()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("shadow");
        for (var run = 1; run < 15; run++)
        {
            sim.Request(ActionAnnotations.Abort);
            sim.RunUntilPhase(Phases.RolledBack);
            sim.Request(ActionAnnotations.Retry);
            sim.RunUntilStageReady("shadow");
        }

        Assert.Equal(15, sim.Status.Run);
        var history = sim.Status.History!;
        Assert.Equal(Enumerable.Range(6, 10), history.Select(r => r.Run));
        Assert.All(history.SkipLast(1), r => Assert.Equal(("abort", HistoryOutcomes.RolledBack), (r.Rollback!.Trigger, r.Outcome)));
    }

    [Fact]
    public void Many_checks_keep_the_history_within_its_value_budget_and_the_run_under_way_is_kept()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Analysis!.Checks = [.. Enumerable.Range(1, 50).Select(i => Check($"check-{i}"))]));
        sim.RunUntilStageReady("shadow");
        for (var run = 1; run < 12; run++)
        {
            sim.Request(ActionAnnotations.Promote);
            sim.Round();
            sim.Request(ActionAnnotations.Abort);
            sim.RunUntilPhase(Phases.RolledBack);
            sim.Request(ActionAnnotations.Retry);
            sim.RunUntilStageReady("shadow");
        }

        var history = sim.Status.History!;
        var values = history.Sum(r => r.Stages.Sum(s => s.Checks.Count) + (r.Rollback?.Snapshot.Count ?? 0));
        Assert.InRange(values, 1, RunHistory.MaxCheckValues);
        Assert.InRange(history.Count, 2, RunHistory.MaxRuns - 1);
        Assert.Equal(12, history[^1].Run);
        Assert.Equal(Enumerable.Range(13 - history.Count, history.Count), history.Select(r => r.Run));

        // 50 checks, 12 runs: the whole status stays a small fraction of etcd's 1.5 MB object limit.
        Assert.InRange(k8s.KubernetesJson.Serialize(sim.Status).Length, 1, 150_000);
    }

    [Fact]
    public void A_crash_after_any_status_write_neither_loses_nor_repeats_a_history_entry()
    {
        static IEnumerable<string> Shape(PoolMigrationStatus status) =>
            status.History!.SelectMany(r => r.Stages.Select(s => $"run{r.Run}:{s.Name}:{s.Outcome}").Append($"run{r.Run}:{r.Outcome}"));

        var baseline = Completed();
        var expected = Shape(baseline.Status).ToList();
        for (var k = 1; k <= baseline.Rounds.Count; k++)
        {
            var sim = new MigrationSimulator(Standard());
            for (var i = 1; i <= 1000 && sim.Phase != Phases.Completed; i++)
            {
                sim.Round(crashAfterStatusWrite: i == k);
                sim.ApproveWhenWaiting();
                sim.Step();
            }

            Assert.Equal(expected, Shape(sim.Status));
        }
    }
}
