using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

public sealed class StageShapeTests
{
    [Fact]
    public void Single_100_percent_stage_moves_everything_at_once_and_keeps_v1_warm_until_the_window_ends()
    {
        var sim = new MigrationSimulator(Bare(Weight("full", 100, "1m")));

        var first = sim.Round();
        Assert.Equal([new ScaleDeployment(V2, 10)], first.Actions.OfType<ScaleDeployment>());
        Assert.Equal(0, sim.Status.Weight);

        sim.RunUntil(s => s.Status.Weight == 100);
        Assert.Equal(10, sim.V1.SpecReplicas);

        sim.RunUntilPhase(Phases.Completing);
        sim.RunUntilPhase(Phases.Completed);
        Assert.Equal([0], sim.V1.ScaleHistory);
        Assert.Equal([10], sim.V2.ScaleHistory);
    }

    [Fact]
    public void Weight_0_stage_needs_no_v2_pods_and_is_ready_at_once()
    {
        var sim = new MigrationSimulator(Bare(Weight("dark", 0, "1m"), Weight("canary", 10, "1m"), Weight("full", 100, "1m")));

        var first = sim.Round();
        Assert.Empty(first.Actions.OfType<ScaleDeployment>());
        Assert.NotNull(sim.Status.StageReadyAt);
        Assert.Equal(Phases.Progressing, sim.Phase);

        sim.RunUntilStage(1);
        Assert.True(sim.Now - MigrationSimulator.Start >= TimeSpan.FromMinutes(1));
        sim.RunUntilPhase(Phases.Completed);
        Assert.Equal([1, 10], sim.V2.ScaleHistory);
        Assert.Equal([9, 0], sim.V1.ScaleHistory);
    }

    [Fact]
    public void Weight_0_stage_after_a_shadow_stage_ends_the_shadow_copy_and_releases_v2()
    {
        var sim = new MigrationSimulator(Bare(Shadow("shadow", 50, "1m"), Weight("dark", 0, "1m"), Weight("full", 100, "1m")));

        sim.RunUntilStageReady("shadow");
        Assert.Equal((50, 5), (sim.Status.ShadowPercent, sim.V2.SpecReplicas));

        sim.RunUntilStageReady("dark");
        Assert.Equal((0, 0), (sim.Status.ShadowPercent, sim.Status.Weight));
        Assert.Equal(0, sim.V2.SpecReplicas);
        Assert.Equal(10, sim.V1.SpecReplicas);
        sim.RunUntilPhase(Phases.Completed);
    }

    [Fact]
    public void Equal_consecutive_weights_change_nothing_but_still_wait_the_second_stage_duration()
    {
        var sim = new MigrationSimulator(Bare(Weight("a", 25, "1m"), Weight("b", 25, "3m"), Weight("full", 100, "1m")));

        sim.RunUntilStageReady("a");
        var scalesBefore = sim.AppliedOf<ScaleDeployment>().Count();
        sim.RunUntilStageReady("b");
        var bReady = sim.Now;
        Assert.Equal(scalesBefore, sim.AppliedOf<ScaleDeployment>().Count());

        sim.RunUntilStage(2);
        Assert.True(sim.Now - bReady >= TimeSpan.FromMinutes(3));
        sim.RunUntilPhase(Phases.Completed);
        Assert.Equal([3, 10], sim.V2.ScaleHistory);
        Assert.Equal([7, 0], sim.V1.ScaleHistory);
    }

    [Fact]
    public void Partial_shadow_runs_v2_at_its_share_while_v1_keeps_everything()
    {
        var sim = new MigrationSimulator(Bare(Shadow("shadow", 20, "1m"), Weight("full", 100, "1m")));

        sim.RunUntilStageReady("shadow");
        Assert.Equal(20, sim.Status.ShadowPercent);
        Assert.Equal(2, sim.V2.SpecReplicas);
        Assert.Equal(10, sim.V1.SpecReplicas);
        Assert.Equal(Phases.Shadowing, sim.Phase);
    }

    [Fact]
    public void Spec_replicas_sets_the_total_and_v1_grows_to_it_first()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Replicas = 12));

        sim.Round();
        Assert.Equal(12, sim.Status.Original!.Replicas);
        Assert.Equal(10, sim.Status.Original.V1.Replicas);
        Assert.Equal(12, sim.V1.SpecReplicas);
        Assert.Equal(12, sim.V2.SpecReplicas);

        sim.RunUntilStageReady("canary-25");
        Assert.Equal((9, 3), (sim.V1.SpecReplicas, sim.V2.SpecReplicas));
    }

    [Fact]
    public void V2_that_already_runs_pods_is_recorded_and_used()
    {
        var sim = new MigrationSimulator(Bare(Weight("canary", 25, "1m"), Weight("full", 100, "1m")), v1Replicas: 8, v2Replicas: 2);

        var first = sim.Round();
        Assert.Equal(2, sim.Status.Original!.V2.Replicas);
        Assert.Equal(8, sim.Status.Original.Replicas);
        Assert.DoesNotContain(first.Actions, a => a is ScaleDeployment { Deployment: V2 });
        Assert.Equal(25, sim.Status.Weight);
        Assert.Equal(6, sim.V1.SpecReplicas);
    }

    [Fact]
    public void Tiny_pool_keeps_a_v1_pod_while_v1_still_has_traffic()
    {
        var sim = new MigrationSimulator(Bare(Weight("canary", 5, "1m"), Weight("full", 100, "1m")), v1Replicas: 1);

        sim.RunUntilStageReady("canary");
        Assert.Equal(5, sim.Status.Weight);
        Assert.Equal(1, sim.V1.SpecReplicas);
        Assert.Equal(1, sim.V2.SpecReplicas);
        sim.RunUntilPhase(Phases.Completed);
    }

    [Fact]
    public void Stage_duration_counts_from_when_capacity_is_in_place_not_from_the_stage_start()
    {
        var sim = new MigrationSimulator(Bare(Weight("canary", 25, "2m"), Weight("full", 100, "1m")));
        sim.V2.AutoReady = false;

        sim.Round();
        sim.RunFor(TimeSpan.FromMinutes(5));
        Assert.Equal(0, sim.Stage);
        Assert.Null(sim.Status.StageReadyAt);

        sim.V2.MakeReady();
        sim.RunUntil(s => s.Status.StageReadyAt is not null);
        var readyAt = sim.Now;
        sim.RunUntilStage(1);
        Assert.True(sim.Now - readyAt >= TimeSpan.FromMinutes(2));
    }
}
