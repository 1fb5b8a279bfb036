using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

public sealed class RequeueTests
{
    [Fact]
    public void A_running_stage_is_looked_at_again_by_the_next_measurement()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        Assert.InRange(sim.LastRound.Decision.RequeueAfter!.Value, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void A_passed_stage_asks_for_the_next_round_at_once()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStage(1);
        Assert.Equal(TimeSpan.Zero, sim.LastRound.Decision.RequeueAfter);
    }

    [Fact]
    public void Waiting_for_capacity_wakes_up_for_the_progress_deadline()
    {
        var sim = new MigrationSimulator(Standard(spec =>
        {
            spec.ProgressDeadlineSeconds = 20;
            spec.Analysis!.Interval = "5m";
        }));
        sim.V2.AutoReady = false;
        sim.Round();
        Assert.Equal(TimeSpan.FromSeconds(20), sim.LastRound.Decision.RequeueAfter);
    }

    [Fact]
    public void A_pause_held_past_the_progress_deadline_does_not_spin()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.ProgressDeadlineSeconds = 60));
        sim.Annotate(ActionAnnotations.Paused, "true");
        sim.V2.AutoReady = false;

        sim.RunFor(TimeSpan.FromMinutes(10));
        Assert.Equal(Phases.Paused, sim.Phase);
        Assert.All(sim.Rounds, r => Assert.True(r.Decision.RequeueAfter > TimeSpan.Zero));
        Assert.InRange(sim.Rounds.Count, 15, 30);
    }

    [Fact]
    public void Resuming_after_a_long_pause_does_not_blame_v2_for_the_paused_time()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.ProgressDeadlineSeconds = 60));
        sim.RunUntilStageReady("canary-5");
        sim.RunUntilStage(2);
        sim.Annotate(ActionAnnotations.Paused, "true");
        sim.RunFor(TimeSpan.FromMinutes(10));

        sim.RemoveAnnotation(ActionAnnotations.Paused);
        sim.RunUntilStageReady("canary-25");
        Assert.Null(sim.Status.Rollback);
    }

    [Fact]
    public void Completed_and_rolled_back_migrations_ask_for_no_requeue()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Stages = [Weight("full", 100)]));
        sim.RunUntilPhase(Phases.Completed);
        sim.Step();
        sim.Round();
        Assert.Null(sim.LastRound.Decision.RequeueAfter);

        var rolledBack = new MigrationSimulator(Standard());
        rolledBack.RunUntilStageReady("canary-5");
        rolledBack.Request(ActionAnnotations.Abort);
        rolledBack.RunUntilPhase(Phases.RolledBack);
        Assert.Null(rolledBack.LastRound.Decision.RequeueAfter);
    }

    [Fact]
    public void Rolling_back_wakes_up_when_the_drain_delay_ends()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Rollback!.ScaleDownDelaySeconds = 45));
        sim.RunUntilStageReady("canary-5");
        sim.Request(ActionAnnotations.Abort);
        sim.Round();
        Assert.Equal(TimeSpan.FromSeconds(45), sim.LastRound.Decision.RequeueAfter);
    }
}
