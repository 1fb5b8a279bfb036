using PoolOperator.Core;
using Xunit;

namespace PoolOperator.UnitTests.Core;

public sealed class HappyPathTests
{
    [Fact]
    public void Standard_migration_walks_shadow_5_25_gate_50_100_then_completes_after_the_window()
    {
        var sim = new MigrationSimulator(TestMigrations.Standard());

        var first = sim.Round();
        Assert.Equal(Phases.Initializing, sim.Phase);
        Assert.Equal(1, sim.Status.Run);
        Assert.Equal(0, sim.Stage);
        Assert.Equal("shadow", sim.Status.StageName);
        Assert.Equal(10, sim.Status.Original!.Replicas);
        Assert.Equal(10, sim.Status.Original.V1.Replicas);
        Assert.Equal(0, sim.Status.Original.V2.Replicas);
        Assert.Equal([new ScaleDeployment(TestMigrations.V2, 10)], first.Actions.OfType<ScaleDeployment>());
        Assert.Equal(0, sim.Status.ShadowPercent);

        sim.Advance(TimeSpan.FromSeconds(5));
        sim.Round();
        Assert.Equal(Phases.Shadowing, sim.Phase);
        Assert.Equal(100, sim.Status.ShadowPercent);
        Assert.Equal(0, sim.Status.Weight);
        Assert.NotNull(sim.Status.StageReadyAt);

        sim.RunUntilStage(1);
        var shadowReady = sim.Rounds.First(r => r.After.StageReadyAt is not null).Input.Now;
        Assert.True(sim.Now - shadowReady >= TimeSpan.FromMinutes(2));

        sim.RunUntil(s => s.Status.Weight == 5 && s.V1.SpecReplicas == 9 && s.V2.SpecReplicas == 1);
        sim.RunUntil(s => s.Status.Weight == 25 && s.V1.SpecReplicas == 7 && s.V2.SpecReplicas == 3);
        sim.RunUntil(s => s.Status.Weight == 50 && s.V1.SpecReplicas == 5 && s.V2.SpecReplicas == 5);
        sim.RunUntilPhase(Phases.AwaitingApproval);
        Assert.Equal("half", sim.Status.StageName);

        sim.RunFor(TimeSpan.FromMinutes(20));
        Assert.Equal(Phases.AwaitingApproval, sim.Phase);
        Assert.Equal(3, sim.Stage);

        sim.Request(ActionAnnotations.Approve);
        sim.RunUntilStage(4);
        Assert.Contains(sim.Events, e => e.Reason == "Approved");

        sim.RunUntil(s => s.Status.Weight == 100);
        Assert.Equal(10, sim.V2.ReadyReplicas);
        Assert.Equal(5, sim.V1.SpecReplicas);

        sim.RunUntilPhase(Phases.Completing);
        var promotedAt = sim.Now;
        Assert.Equal(5, sim.V1.SpecReplicas);

        sim.RunUntilPhase(Phases.Completed);
        Assert.True(sim.Now - promotedAt >= TimeSpan.FromSeconds(300));
        Assert.Equal(0, sim.V1.SpecReplicas);
        Assert.Equal(10, sim.V2.SpecReplicas);
        Assert.Equal((0, 100), (sim.Route.V1Weight, sim.Route.V2Weight));
        Assert.Equal(Phases.Completed, sim.Flags.LastPublish!.Phase);
        Assert.Equal(100, sim.Flags.LastPublish.V2Percent);
        Assert.NotNull(sim.Status.CompletedAt);

        var weights = sim.Flags.Published.Select(f => (f.V2Percent, f.ShadowPercent)).Distinct().ToList();
        Assert.Equal([(0, 0), (0, 100), (5, 0), (25, 0), (50, 0), (100, 0)], weights);
    }
}
