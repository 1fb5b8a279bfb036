using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

/// <summary>Status and Events say only what the routers have made true: a stage is in place once its route carries it.</summary>
public sealed class HonestTrafficTests
{
    private const string Carrier = "HTTPRoute session-pool";

    [Fact]
    public void A_shadow_stage_is_not_reported_in_place_while_the_route_does_not_mirror_yet()
    {
        var sim = new MigrationSimulator(Standard()) { Routed = [new(Carrier, 0, 0)] };

        sim.RunFor(TimeSpan.FromMinutes(1));

        Assert.Equal("shadow", sim.Status.StageName);
        Assert.Null(sim.Status.StageReadyAt);
        Assert.Contains("waiting for HTTPRoute session-pool to carry V2 weight 0, shadow 100%", sim.Status.Message, StringComparison.Ordinal);

        sim.Routed = [new(Carrier, 0, 100)];
        sim.Round();

        Assert.NotNull(sim.Status.StageReadyAt);
        Assert.Equal(Phases.Shadowing, sim.Status.Phase);
        Assert.Contains("HTTPRoute session-pool sends every request to session-pool-v1 and mirrors it to session-pool-v2", sim.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void V1_keeps_its_replicas_until_the_route_carries_the_weight_that_moved_traffic_off_it()
    {
        var sim = new MigrationSimulator(Bare(Weight("canary-50", 50, "2m"), Weight("full", 100, "2m"))) { Routed = [new(Carrier, 0, 0)] };

        sim.RunFor(TimeSpan.FromMinutes(1));

        Assert.Equal(50, sim.Status.Weight);
        Assert.Equal(10, sim.V1.SpecReplicas);
        Assert.Null(sim.Status.StageReadyAt);

        sim.Routed = [new(Carrier, 50, 0)];
        sim.RunUntil(s => s.Status.StageReadyAt is not null, maxRounds: 10);

        Assert.Equal(5, sim.V1.SpecReplicas);
    }

    [Fact]
    public void V2_shrinking_after_a_full_shadow_is_reported_as_scaling_never_as_waiting_for_pods_it_has()
    {
        var sim = new MigrationSimulator(Standard());

        sim.RunUntilStageReady("shadow");
        sim.RunUntil(s => s.Status.StageName == "canary-5");

        Assert.Equal(10, sim.Rounds[^1].Input.V2!.ReadyReplicas);
        Assert.Equal("Stage canary-5: scaling V2 from 10 to 1 replicas", sim.Status.Message);
        sim.RunUntilStageReady("canary-5");
        Assert.DoesNotContain(sim.Rounds, r => r.Decision.Status.Message is { } m && m.Contains("ready V2 replicas", StringComparison.Ordinal)
            && r.Input.V2!.ReadyReplicas >= 1 && r.Decision.Status.StageName == "canary-5");
    }

    [Fact]
    public void Without_a_router_that_reads_back_replicas_alone_say_only_the_replica_split()
    {
        var sim = new MigrationSimulator(Bare(Weight("canary-25", 25, "2m"), Weight("full", 100, "2m")));

        sim.RunUntilStageReady("canary-25");

        Assert.Equal("Stage canary-25: V2 runs 3 of 10 replicas (25%)", sim.Status.Message);
    }

    [Fact]
    public void A_service_selecting_v2_during_shadow_sets_traffic_isolation_false_and_warns_once()
    {
        var sim = new MigrationSimulator(Standard()) { ServicesSelectingV2 = ["session-pool"] };

        sim.RunUntilStageReady("shadow");
        sim.RunFor(TimeSpan.FromSeconds(30));

        var condition = Assert.Single(sim.Status.Conditions!, c => c.Type == ConditionTypes.TrafficIsolation);
        Assert.Equal(("False", TrafficIsolation.ServiceSelectsV2Reason), (condition.Status, condition.Reason));
        Assert.Contains("Service session-pool selects V2's pods", condition.Message, StringComparison.Ordinal);
        var warning = Assert.Single(sim.Events.Where(e => e.Reason == TrafficIsolation.ServiceSelectsV2Reason).DistinctBy(e => e.Key));
        Assert.Equal(MigrationEvent.Warning, warning.Type);

        sim.RunUntilStageReady("canary-5");

        condition = Assert.Single(sim.Status.Conditions!, c => c.Type == ConditionTypes.TrafficIsolation);
        Assert.Equal(("True", "NotRequired"), (condition.Status, condition.Reason));
    }

    [Fact]
    public void With_no_service_selecting_v2_the_shadow_stage_is_isolated()
    {
        var sim = new MigrationSimulator(Standard()) { ServicesSelectingV2 = [] };

        sim.RunUntilStageReady("shadow");

        var condition = Assert.Single(sim.Status.Conditions!, c => c.Type == ConditionTypes.TrafficIsolation);
        Assert.Equal(("True", "Isolated"), (condition.Status, condition.Reason));
        Assert.Empty(sim.EventsWithReason(TrafficIsolation.ServiceSelectsV2Reason));
    }

    [Fact]
    public void Unobserved_services_write_no_isolation_condition() =>
        Assert.DoesNotContain(CompletedConditions(), c => c == ConditionTypes.TrafficIsolation);

    private static IEnumerable<string> CompletedConditions()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("shadow");
        return sim.Status.Conditions!.Select(c => c.Type);
    }
}
