using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

/// <summary>
/// The reconciler persists the status, then applies the actions, then records the Events. The operator can die
/// between any two of these; the next round decides from the persisted status and the world as it was left.
/// </summary>
public sealed class CrashReplayTests
{
    private static readonly string[] HappyMilestones =
        ["run1-stage0", "run1-stage1", "run1-stage2", "run1-stage3", "run1-stage3-gate", "run1-stage4", "run1-promoted", "run1-completed"];

    // The gate's milestone is announced while the gate waits: when the round that reached it crashed and the
    // approval came before the next round, the gate is passed before it was announced.
    private static IEnumerable<string> WithoutGates(IEnumerable<string> milestones) => milestones.Where(m => !m.EndsWith("-gate", StringComparison.Ordinal));

    private static MigrationSimulator RunWithCrashes(Func<int, bool> crashAt, TimeSpan downtime, Action<MigrationSimulator>? eachRound = null)
    {
        var sim = new MigrationSimulator(Standard());
        for (var i = 1; i <= 1000 && sim.Migration.Status?.Phase is not (Phases.Completed or Phases.RolledBack); i++)
        {
            var crash = crashAt(i);
            sim.Round(crashAfterStatusWrite: crash);
            eachRound?.Invoke(sim);
            sim.ApproveWhenWaiting();
            if (crash)
            {
                sim.Advance(downtime);
            }
            else
            {
                sim.Step();
            }
        }

        // The operator runs on: a crash in the last round is followed by one more.
        sim.Round();
        return sim;
    }

    [Fact]
    public void A_crash_after_any_status_write_neither_skips_nor_repeats_a_stage()
    {
        var baseline = RunWithCrashes(_ => false, TimeSpan.Zero);
        Assert.Equal(Phases.Completed, baseline.Phase);
        Assert.Equal(HappyMilestones, baseline.Milestones());

        for (var k = 1; k <= baseline.Rounds.Count; k++)
        {
            var sim = RunWithCrashes(i => i == k, TimeSpan.FromSeconds(2));
            Assert.True(sim.Phase == Phases.Completed, $"crash at round {k}: {sim.Describe()}");
            Assert.Equal(WithoutGates(HappyMilestones), WithoutGates(sim.Milestones()));
            Assert.Equal(1, sim.Status.Run);
            Assert.Equal((0, 10), (sim.V1.SpecReplicas, sim.V2.SpecReplicas));
            Assert.Equal((0, 100), (sim.Route.V1Weight, sim.Route.V2Weight));
            Assert.Equal(100, sim.Flags.LastPublish!.V2Percent);
        }
    }

    [Fact]
    public void Repeated_crashes_and_long_downtimes_still_finish_the_migration_the_same_way()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);
            var sim = RunWithCrashes(_ => random.Next(4) == 0, TimeSpan.FromSeconds(random.Next(0, 60)));
            Assert.True(sim.Phase == Phases.Completed, $"seed {seed}: {sim.Describe()}");
            Assert.Equal(WithoutGates(HappyMilestones), WithoutGates(sim.Milestones()));
        }
    }

    [Fact]
    public void A_stage_entered_just_before_a_crash_still_waits_for_its_capacity_and_duration()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        sim.V2.AutoReady = false;

        // The round that enters canary-25 crashes; the operator is down for 5 minutes.
        while (sim.Stage != 2)
        {
            sim.Round(crashIf: r => r.After.StageIndex == 2);
            sim.Step();
        }

        Assert.Null(sim.Status.StageReadyAt);
        sim.Advance(TimeSpan.FromMinutes(5));

        sim.Round();
        Assert.Equal(2, sim.Stage);
        Assert.Equal(5, sim.Status.Weight);
        Assert.Contains(new ScaleDeployment(V2, 3), sim.LastRound.Actions);
        sim.V2.MakeReady();
        sim.RunUntil(s => s.Status.StageReadyAt is not null);
        var readyAt = sim.Now;
        sim.RunUntilStage(3);
        Assert.True(sim.Now - readyAt >= TimeSpan.FromMinutes(2));
    }

    [Fact]
    public void A_crash_in_every_round_of_a_rollback_still_reverts_everything()
    {
        for (var k = 0; k < 6; k++)
        {
            var sim = new MigrationSimulator(Standard());
            sim.Flags.Exists = true;
            sim.Flags.RolloutJson = """{"v2Percent":0}""";
            sim.RunUntilStageReady("canary-25");
            sim.Request(ActionAnnotations.Abort);
            for (var i = 0; i < 100 && sim.Phase != Phases.RolledBack; i++)
            {
                sim.Round(crashAfterStatusWrite: i == k);
                sim.Step(TimeSpan.FromSeconds(10));
            }

            sim.RunFor(TimeSpan.FromMinutes(1));
            Assert.Equal(Phases.RolledBack, sim.Phase);
            Assert.Equal((10, 0), (sim.V1.SpecReplicas, sim.V2.SpecReplicas));
            Assert.Equal("""{"v2Percent":0}""", sim.Flags.RolloutJson);
            Assert.Equal((100, 0), (sim.Route.V1Weight, sim.Route.V2Weight));
            Assert.Contains("run1-rollback", sim.Milestones());
            Assert.Contains("run1-rolledback", sim.Milestones());
        }
    }

    [Fact]
    public void Deciding_twice_from_the_same_status_and_annotations_changes_nothing()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilPhase(Phases.AwaitingApproval);
        sim.Request(ActionAnnotations.Approve);
        sim.Advance(TimeSpan.FromSeconds(1));
        sim.Round();
        Assert.Equal(4, sim.Stage);

        var again = MigrationDecider.Decide(sim.Observe());
        Assert.Equal(4, again.Status.StageIndex);
        Assert.Equal(sim.Status.HandledActions!.Approve, again.Status.HandledActions!.Approve);
        Assert.DoesNotContain(again.Events, e => e.Reason == "Approved");
    }
}
