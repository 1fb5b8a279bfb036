using PoolOperator.Analysis;
using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

public sealed class AnalysisTests
{
    private static int MeasurementsOf(MigrationSimulator sim, string check, int fromRound) =>
        sim.Rounds.Skip(fromRound).Count(r => r.Input.Measurements.Any(m => m.CheckName == check));

    [Fact]
    public void Failure_limit_consecutive_failures_roll_back_with_the_trigger_and_a_snapshot()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-25");
        var from = sim.Rounds.Count;
        sim.Verdicts[ErrorRate] = Verdict.Fail;

        sim.RunUntilPhase(Phases.RollingBack);

        Assert.Equal(3, MeasurementsOf(sim, ErrorRate, from));
        var rollback = sim.Status.Rollback!;
        Assert.Equal(ErrorRate, rollback.Trigger);
        Assert.Equal("canary-25", rollback.FromStage);
        Assert.Equal(25, rollback.Weight);
        Assert.Contains("3 times in a row", rollback.Reason);
        Assert.Equal(sim.Now.UtcDateTime, rollback.At);
        Assert.Equal(nameof(Verdict.Fail), rollback.Snapshot[ErrorRate].Verdict);
        Assert.Equal(0.2, rollback.Snapshot[ErrorRate].Value);
        Assert.Equal(3, rollback.Snapshot[ErrorRate].ConsecutiveFailures);
        Assert.Contains(BuiltInChecks.V2Ready, rollback.Snapshot.Keys);
        Assert.Contains(BuiltInChecks.V2Restarts, rollback.Snapshot.Keys);
        Assert.Equal(0, sim.Status.Weight);
    }

    [Fact]
    public void A_single_flaky_failure_does_not_roll_back_and_only_delays_the_stage()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        sim.Verdicts[ErrorRate] = Verdict.Fail;
        var from = sim.Rounds.Count;
        sim.RunUntil(s => MeasurementsOf(s, ErrorRate, from) == 1);
        Assert.Equal(1, sim.Status.Analysis!.ConsecutiveFailures);
        Assert.Equal(nameof(Verdict.Fail), sim.Status.Analysis.Checks.Single(c => c.Name == ErrorRate).Verdict);
        sim.Verdicts[ErrorRate] = Verdict.Pass;

        sim.RunUntilPhase(Phases.AwaitingApproval);
        Assert.Null(sim.Status.Rollback);
        Assert.DoesNotContain(sim.Rounds, r => r.After.Phase == Phases.RollingBack);
    }

    [Fact]
    public void Failures_must_be_consecutive_a_pass_in_between_resets_the_streak()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        foreach (var verdict in new[] { Verdict.Fail, Verdict.Fail, Verdict.Pass, Verdict.Fail, Verdict.Fail, Verdict.Pass })
        {
            sim.Verdicts[ErrorRate] = verdict;
            var from = sim.Rounds.Count;
            sim.RunUntil(s => MeasurementsOf(s, ErrorRate, from) == 1);
        }

        Assert.Equal(Phases.Progressing, sim.Phase);
        Assert.Equal(0, sim.Status.Analysis!.ConsecutiveFailures);
    }

    [Fact]
    public void Inconclusive_data_pauses_never_rolls_back_and_resumes_when_data_returns()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        sim.Verdicts[ErrorRate] = Verdict.Inconclusive;

        sim.RunUntilPhase(Phases.Paused);
        Assert.Equal(PauseReasons.Inconclusive, sim.Status.Pause!.Reason);
        Assert.Contains(sim.Events, e => e.Reason == "AnalysisInconclusive" && e.Type == MigrationEvent.Warning);
        var stage = sim.Stage;

        sim.RunFor(TimeSpan.FromMinutes(30));
        Assert.Equal(Phases.Paused, sim.Phase);
        Assert.Equal(stage, sim.Stage);
        Assert.Equal(5, sim.Status.Weight);
        Assert.DoesNotContain(sim.Rounds, r => r.After.Phase == Phases.RollingBack);

        sim.Verdicts[ErrorRate] = Verdict.Pass;
        sim.RunUntil(s => s.Status.Pause is null);
        Assert.Contains(sim.Events, e => e.Reason == "Resumed");
        sim.RunUntilStage(2);
    }

    [Fact]
    public void Inconclusive_neither_fails_a_check_nor_clears_its_failure_streak()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        foreach (var verdict in new[] { Verdict.Fail, Verdict.Inconclusive, Verdict.Fail })
        {
            sim.Verdicts[ErrorRate] = verdict;
            var from = sim.Rounds.Count;
            sim.RunUntil(s => MeasurementsOf(s, ErrorRate, from) == 1);
        }

        Assert.Equal(2, sim.Status.Analysis!.ConsecutiveFailures);
        sim.Verdicts[ErrorRate] = Verdict.Fail;
        sim.RunUntilPhase(Phases.RollingBack);
    }

    [Fact]
    public void A_stage_does_not_pass_until_every_configured_check_passed_after_its_capacity_was_in_place()
    {
        var sim = new MigrationSimulator(Standard(spec =>
        {
            spec.Analysis!.InconclusiveLimit = 1000;
            spec.Analysis.Checks = [Check(ErrorRate), Check(Latency)];
        }));
        sim.Verdicts[Latency] = Verdict.Inconclusive;
        sim.RunUntilStageReady("shadow");

        sim.RunFor(TimeSpan.FromMinutes(10));
        Assert.Equal(0, sim.Stage);
        Assert.True(sim.Status.Analysis!.Checks.Single(c => c.Name == ErrorRate).PassedInStage);
        Assert.False(sim.Status.Analysis.Checks.Single(c => c.Name == Latency).PassedInStage);

        sim.Verdicts[Latency] = Verdict.Pass;
        sim.RunUntilStage(1);
        Assert.All(sim.Status.Analysis.Checks, c => Assert.False(c.PassedInStage));
    }

    [Fact]
    public void A_measurement_taken_before_the_stage_traffic_was_published_does_not_pass_the_stage()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Stages = [Shadow("shadow", 100), Weight("full", 100, "1m")]));
        sim.V2.AutoReady = false;
        sim.Round();

        // V2 gets ready exactly when a measurement is due: the shadow copy is published in that round, after the measurement.
        sim.Advance(TimeSpan.FromSeconds(30));
        sim.V2.MakeReady();
        var round = sim.Round();
        Assert.NotEmpty(round.Input.Measurements);
        Assert.Equal(100, sim.Status.ShadowPercent);
        Assert.Equal(0, sim.Stage);

        sim.RunUntilStage(1);
        var passed = sim.Rounds.First(r => r.After.StageIndex == 1);
        Assert.True(passed.Input.Now > round.Input.Now, $"passed at {passed.Input.Now:O}, capacity in place at {round.Input.Now:O}");
    }

    [Fact]
    public void Crash_looping_v2_pod_rolls_back_after_the_failure_limit()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        sim.V2.CrashLoopingPod = "session-pool-v2-7d9f-abcde";

        sim.RunUntilPhase(Phases.RollingBack);
        Assert.Equal(BuiltInChecks.V2Restarts, sim.Status.Rollback!.Trigger);
        Assert.Contains("CrashLoopBackOff", sim.Status.Rollback.Reason);
    }

    [Fact]
    public void Restarts_rising_at_every_measurement_roll_back_but_a_single_restart_does_not()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        sim.V2.TotalRestarts = 1;
        var from = sim.Rounds.Count;
        sim.RunUntil(s => MeasurementsOf(s, ErrorRate, from) == 3);
        Assert.Equal(Phases.Progressing, sim.Phase);
        Assert.Equal(0, sim.Status.Analysis!.Checks.Single(c => c.Name == BuiltInChecks.V2Restarts).ConsecutiveFailures);

        sim.RunUntil(s =>
        {
            if (s.LastRound.Input.Measurements.Count > 0)
            {
                s.V2.TotalRestarts++;
            }

            return s.Phase == Phases.RollingBack;
        });
        Assert.Equal(BuiltInChecks.V2Restarts, sim.Status.Rollback!.Trigger);
    }

    [Fact]
    public void V2_losing_ready_pods_after_its_stage_was_ready_fails_v2_ready_and_rolls_back()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-25");
        sim.V2.AutoReady = false;
        sim.V2.ReadyReplicas = 1;

        sim.RunUntilPhase(Phases.RollingBack);
        Assert.Equal(BuiltInChecks.V2Ready, sim.Status.Rollback!.Trigger);
        Assert.Contains("1/3", sim.Status.Rollback.Reason);
    }

    [Fact]
    public void V2_not_ready_within_the_progress_deadline_rolls_back_and_not_a_moment_before()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.ProgressDeadlineSeconds = 300));
        sim.V2.ReadyLimit = 6;

        sim.RunUntilPhase(Phases.RollingBack, maxStep: TimeSpan.FromSeconds(7));
        Assert.Equal(BuiltInChecks.ProgressDeadline, sim.Status.Rollback!.Trigger);
        Assert.Contains("6 ready", sim.Status.Rollback.Reason);
        var elapsed = sim.Now - MigrationSimulator.Start;
        Assert.InRange(elapsed, TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(307));
    }

    [Fact]
    public void Progress_deadline_counts_from_each_stage_start()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.ProgressDeadlineSeconds = 300));
        sim.RunUntilStageReady("canary-25");
        Assert.True(sim.Now - MigrationSimulator.Start > TimeSpan.FromSeconds(300));
        sim.RunUntilPhase(Phases.AwaitingApproval);
        Assert.Null(sim.Status.Rollback);
    }

    [Fact]
    public void Measurements_are_recorded_once_per_interval_however_often_rounds_run()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Stages[1].Duration = "10m"));
        sim.RunUntilStageReady("canary-5");
        var from = sim.Rounds.Count;

        sim.RunFor(TimeSpan.FromMinutes(5), maxStep: TimeSpan.FromSeconds(4));

        Assert.InRange(MeasurementsOf(sim, ErrorRate, from), 9, 10);
        Assert.True(sim.Rounds.Count - from > 60);
    }

    [Fact]
    public void Analysis_book_keeps_streaks_values_and_the_snapshot()
    {
        var status = new PoolOperator.Api.V1Alpha1.PoolMigrationStatus();
        var at = MigrationSimulator.Start;
        AnalysisBook.Record(status, [new Measurement("a", Verdict.Fail, double.NaN, 1, "bad", at)], countsForStage: true, at);
        at += TimeSpan.FromSeconds(30);
        AnalysisBook.Record(status, [new Measurement("a", Verdict.Fail, 2, 1, "bad", at), new Measurement("b", Verdict.Inconclusive, null, null, "no data", at)], true, at);

        var a = status.Analysis!.Checks.Single(c => c.Name == "a");
        Assert.Equal(2, a.ConsecutiveFailures);
        Assert.Equal(2, a.Value);
        Assert.False(a.PassedInStage);
        Assert.Equal(2, status.Analysis.ConsecutiveFailures);
        Assert.Equal(1, status.Analysis.ConsecutiveInconclusive);
        Assert.Equal("a", AnalysisBook.FirstAtFailureLimit(status, 2)!.Name);
        Assert.Null(AnalysisBook.FirstAtFailureLimit(status, 3));

        at += TimeSpan.FromSeconds(30);
        AnalysisBook.Record(status, [new Measurement("a", Verdict.Pass, double.PositiveInfinity, null, "ok", at)], countsForStage: false, at);
        Assert.Null(a.Value);
        Assert.False(a.PassedInStage);
        Assert.Equal(0, a.ConsecutiveFailures);

        var snapshot = AnalysisBook.Snapshot(status);
        a.Verdict = "changed later";
        Assert.Equal(nameof(Verdict.Pass), snapshot["a"].Verdict);
        Assert.Equal(nameof(Verdict.Inconclusive), snapshot["b"].Verdict);
    }

    [Fact]
    public void An_unchanged_result_leaves_the_check_and_lastRunAt_as_first_recorded()
    {
        var status = new PoolOperator.Api.V1Alpha1.PoolMigrationStatus();
        var first = MigrationSimulator.Start;
        Assert.True(AnalysisBook.Record(status, [new Measurement("a", Verdict.Pass, 0.001, null, "ok", first)], countsForStage: true, first));
        var later = first + TimeSpan.FromMinutes(5);

        Assert.False(AnalysisBook.Record(status, [new Measurement("a", Verdict.Pass, 0.001, null, "ok", later)], countsForStage: true, later));
        Assert.Equal(first.UtcDateTime, status.Analysis!.Checks.Single().MeasuredAt);
        Assert.Equal(first.UtcDateTime, status.Analysis.LastRunAt);

        Assert.True(AnalysisBook.Record(status, [new Measurement("a", Verdict.Pass, 0.002, null, "ok", later)], countsForStage: true, later));
        Assert.Equal(later.UtcDateTime, status.Analysis.Checks.Single().MeasuredAt);
        Assert.Equal(later.UtcDateTime, status.Analysis.LastRunAt);
    }

    [Fact]
    public void A_measurement_no_later_than_the_recorded_one_is_not_counted_again()
    {
        var status = new PoolOperator.Api.V1Alpha1.PoolMigrationStatus();
        var at = MigrationSimulator.Start;
        AnalysisBook.Record(status, [new Measurement("a", Verdict.Fail, 0.2, null, "bad", at)], countsForStage: true, at);

        Assert.False(AnalysisBook.Record(status, [new Measurement("a", Verdict.Fail, 0.2, null, "bad", at)], countsForStage: true, at));
        Assert.Equal(1, status.Analysis!.Checks.Single().ConsecutiveFailures);
    }
}
