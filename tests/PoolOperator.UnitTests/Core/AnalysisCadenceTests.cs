using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

/// <summary>
/// The checks are measured every interval even when the rounds that measure them run late, as they do when many
/// migrations share the workers: the failure limit is reached within interval × failureLimit of the breach plus the
/// lateness of the one round that completes the streak, not plus the lateness of every round before it.
/// </summary>
public sealed class AnalysisCadenceTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    [Fact]
    public void Rounds_that_run_late_do_not_push_the_failure_limit_back()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilPhase(Phases.AwaitingApproval);
        sim.RunUntil(s => s.LastRound.Input.Measurements.Count > 0);

        // The check starts failing just after a measurement, so the first failing one is a whole interval away.
        var breach = sim.Now;
        sim.Verdicts[ErrorRate] = Verdict.Fail;
        var late = TimeSpan.FromSeconds(7);
        var failingMeasurements = new List<DateTimeOffset>();
        for (var rounds = 0; sim.Phase != Phases.RollingBack; rounds++)
        {
            Assert.True(rounds < 50, $"no rollback after {rounds} rounds; {sim.Describe()}");
            sim.Advance(sim.LastRound.Decision.RequeueAfter!.Value + late);
            sim.Round();
            if (sim.LastRound.Input.Measurements.Any(m => m.CheckName == ErrorRate))
            {
                failingMeasurements.Add(sim.Now);
            }
        }

        Assert.Equal(3, failingMeasurements.Count);
        Assert.Equal([breach + Interval + late, breach + (2 * Interval) + late, breach + (3 * Interval) + late], failingMeasurements);
        Assert.Equal((breach + (3 * Interval) + late).UtcDateTime, sim.Status.Rollback!.At);
    }

    [Fact]
    public void The_next_measurement_keeps_the_cadence_of_the_due_time_not_of_the_late_round()
    {
        var plan = MigrationPlan.From(Standard().Spec);
        var due = MigrationSimulator.Start;

        Assert.Equal(due + Interval, AnalysisSchedule.NextAfter(due, due, plan));
        Assert.Equal(due + Interval, AnalysisSchedule.NextAfter(due, due + TimeSpan.FromSeconds(7), plan));
        Assert.Equal(due + Interval, AnalysisSchedule.NextAfter(due, due + TimeSpan.FromSeconds(15), plan));
    }

    [Fact]
    public void A_first_measurement_starts_the_cadence_from_the_round()
    {
        var plan = MigrationPlan.From(Standard().Spec);
        var now = MigrationSimulator.Start;

        Assert.Equal(now + Interval, AnalysisSchedule.NextAfter(null, now, plan));
    }

    [Fact]
    public void Two_measurements_are_never_closer_than_half_an_interval()
    {
        var plan = MigrationPlan.From(Standard().Spec);
        var due = MigrationSimulator.Start;

        // A round 20 s late would otherwise measure again 10 s later; one held up for minutes would measure at once.
        var lateRound = due + TimeSpan.FromSeconds(20);
        Assert.Equal(lateRound + (Interval / 2), AnalysisSchedule.NextAfter(due, lateRound, plan));
        var stalledRound = due + TimeSpan.FromMinutes(10);
        Assert.Equal(stalledRound + (Interval / 2), AnalysisSchedule.NextAfter(due, stalledRound, plan));
    }

    [Fact]
    public void A_stage_ending_between_two_measurements_does_not_pass_while_v2_lacks_its_ready_pods()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStage(2);
        sim.V2.AutoReady = false;
        sim.RunUntil(s => s.LastRound.Input.Measurements.Count > 0, maxStep: TimeSpan.FromSeconds(1));

        // V2's pods become ready 10 s after a measurement, so the stage's capacity is in place between two of them.
        sim.Advance(TimeSpan.FromSeconds(10));
        sim.V2.AutoReady = true;
        sim.RunUntil(s => s.Status.StageReadyAt is not null, maxStep: TimeSpan.FromSeconds(1));
        var stageEnds = sim.Status.StageReadyAt!.Value + TimeSpan.FromMinutes(2);
        sim.RunUntil(s => s.Now.UtcDateTime >= stageEnds - TimeSpan.FromSeconds(1), maxRounds: 1000, maxStep: TimeSpan.FromSeconds(1));

        sim.V2.AutoReady = false;
        sim.V2.ReadyReplicas--;
        sim.Advance(new DateTimeOffset(stageEnds, TimeSpan.Zero) - sim.Now);
        sim.Round();

        Assert.Empty(sim.LastRound.Input.Measurements);
        Assert.Equal(2, sim.Stage);
        Assert.Equal(Phases.Progressing, sim.Phase);

        sim.V2.AutoReady = true;
        sim.RunUntilStage(3);
    }
}
