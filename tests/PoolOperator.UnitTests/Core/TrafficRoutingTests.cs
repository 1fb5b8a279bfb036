using System.Text.Json;
using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

public sealed class TrafficRoutingTests
{
    private static MigrationSimulator CompletedStandard()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntil(s =>
        {
            if (s.Phase == Phases.AwaitingApproval)
            {
                s.Request(ActionAnnotations.Approve);
            }

            return s.Phase == Phases.Completed;
        });
        return sim;
    }

    [Fact]
    public void Flags_carry_weight_shadow_and_phase_of_every_step()
    {
        var sim = CompletedStandard();

        var published = sim.Flags.Published.Select(f => (f.Phase, f.V2Percent, f.ShadowPercent)).Distinct().ToList();
        Assert.Equal(
            [
                (Phases.Initializing, 0, 0),
                (Phases.Shadowing, 0, 100),
                (Phases.Progressing, 0, 100),
                (Phases.Progressing, 5, 0),
                (Phases.Progressing, 25, 0),
                (Phases.Progressing, 50, 0),
                (Phases.AwaitingApproval, 50, 0),
                (Phases.Progressing, 100, 0),
                (Phases.Completing, 100, 0),
                (Phases.Completed, 100, 0),
            ],
            published);
        Assert.All(sim.Flags.Published, f => Assert.Equal("v2", f.Overrides["session-42"]));
    }

    [Fact]
    public void Published_rollout_json_has_the_contract_shape()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-25");

        using var json = JsonDocument.Parse(sim.Flags.RolloutJson!);
        var root = json.RootElement;
        Assert.Equal("shop/session-pool", root.GetProperty("migration").GetString());
        Assert.Equal(25, root.GetProperty("v2Percent").GetInt32());
        Assert.Equal(0, root.GetProperty("shadowPercent").GetInt32());
        Assert.Equal(Phases.Progressing, root.GetProperty("phase").GetString());
        Assert.Equal("v2", root.GetProperty("overrides").GetProperty("session-42").GetString());
    }

    [Fact]
    public void Route_weights_follow_the_stage_weights()
    {
        var sim = CompletedStandard();

        var weights = sim.Route.History.Distinct().ToList();
        Assert.Equal([(100, 0), (95, 5), (75, 25), (50, 50), (0, 100)], weights);
    }

    [Fact]
    public void Route_that_did_not_exist_is_restored_to_all_on_v1()
    {
        var sim = new MigrationSimulator(Standard());
        sim.Route.Exists = false;
        sim.Round();
        Assert.Null(sim.Status.Original!.HttpRoute);

        sim.RunUntilStageReady("canary-5");
        sim.Request(ActionAnnotations.Abort);
        sim.RunUntilPhase(Phases.RolledBack);
        Assert.Equal((100, 0), (sim.Route.V1Weight, sim.Route.V2Weight));
    }

    [Fact]
    public void Only_the_replicas_router_acts_when_no_traffic_routing_is_configured()
    {
        var sim = new MigrationSimulator(Bare(Weight("canary", 25, "1m"), Weight("full", 100, "1m")));
        sim.RunUntilPhase(Phases.Completed);

        Assert.Empty(sim.Flags.Published);
        Assert.Empty(sim.Route.History);
        Assert.Null(sim.Status.Original!.Flags);
        Assert.Null(sim.Status.Original.HttpRoute);
    }
}
