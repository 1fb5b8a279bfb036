using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

/// <summary>Pools scaled by HorizontalPodAutoscalers: the operator moves their bounds, never their replicas.</summary>
public sealed class AutoscalerTests
{
    private const string V1Hpa = "session-pool-v1";
    private const string V2Hpa = "session-pool-v2";

    [Fact]
    public void Each_stage_sets_both_hpas_to_its_share_of_v1s_original_bounds()
    {
        var sim = Autoscaled();
        var seen = new Dictionary<string, ((int, int) V1, (int, int) V2)>();
        sim.RunUntil(s =>
        {
            s.ApproveWhenWaiting();
            if (s.Status.StageReadyAt is not null && s.Status.PromotedAt is null)
            {
                seen[s.Status.StageName!] = (Bounds(s.V1), Bounds(s.V2));
            }

            return s.Status.PromotedAt is not null;
        });

        Assert.Equal(((4, 20), (4, 20)), seen["shadow"]);
        Assert.Equal(((3, 19), (1, 1)), seen["canary-5"]);
        Assert.Equal(((3, 15), (1, 5)), seen["canary-25"]);
        Assert.Equal(((2, 10), (2, 10)), seen["half"]);
    }

    [Fact]
    public void Operator_never_sets_the_replicas_of_an_autoscaled_pool_and_leaves_the_hpas_choice_in_place()
    {
        var sim = Autoscaled();
        sim.RunUntilStageReady("canary-25");

        // Load rises on V1: its HPA scales it to 12, within the stage's ceiling of 15.
        sim.V1.Autoscaler!.LoadWants = 12;
        sim.V2.Autoscaler!.LoadWants = 4;
        sim.RunFor(TimeSpan.FromMinutes(1));
        Assert.Equal(12, sim.V1.SpecReplicas);
        Assert.Equal(4, sim.V2.SpecReplicas);

        sim.RunUntil(s =>
        {
            s.ApproveWhenWaiting();
            return s.Phase == Phases.Completed;
        });

        // The only replica count written is switching V1 off once the rollback window passed.
        Assert.Equal([new ScaleDeployment(V1, 0)], sim.AppliedOf<ScaleDeployment>());
        Assert.Equal(0, sim.V1.SpecReplicas);
    }

    [Fact]
    public void Capacity_first_raises_v2s_floor_before_the_traffic_and_lowers_v1s_only_after_v2_is_ready()
    {
        var sim = Autoscaled(stages: [Weight("half", 50, "2m"), Weight("full", 100, "2m")]);
        sim.V2.AutoReady = false;

        var first = sim.Round();
        Assert.Equal([new BoundAutoscaler(V2, V2Hpa, 2, 10)], first.Actions.OfType<BoundAutoscaler>());
        Assert.Equal(0, sim.Status.Weight);

        // V2's HPA has scaled it to its new floor, but the pods are not ready: V1 keeps its bounds and all the traffic.
        sim.Advance(TimeSpan.FromSeconds(20));
        var waiting = sim.Round();
        Assert.Equal(2, sim.V2.SpecReplicas);
        Assert.DoesNotContain(waiting.Actions, a => a is BoundAutoscaler { Deployment: V1 });
        Assert.Equal(0, sim.Status.Weight);

        sim.V2.MakeReady();
        sim.Advance(TimeSpan.FromSeconds(20));
        var shift = sim.Round();
        Assert.Equal(50, sim.Status.Weight);
        var actions = shift.Actions.ToList();
        var route = actions.FindIndex(a => a is RouteTraffic);
        var lowerV1 = actions.FindIndex(a => a is BoundAutoscaler { Deployment: V1, MinReplicas: 2, MaxReplicas: 10 });
        Assert.True(route >= 0 && lowerV1 > route, MigrationInvariants.Describe(actions));
    }

    [Fact]
    public void Rollback_puts_both_hpas_back_to_their_original_bounds_without_touching_replicas()
    {
        var sim = Autoscaled();
        sim.RunUntilStageReady("canary-25");
        sim.V1.Autoscaler!.LoadWants = 9;
        sim.Verdicts[ErrorRate] = Verdict.Fail;
        sim.RunUntilPhase(Phases.RolledBack);
        sim.RunFor(TimeSpan.FromMinutes(1));

        Assert.Equal((4, 20), Bounds(sim.V1));
        Assert.Equal((1, 3), Bounds(sim.V2));
        Assert.Empty(sim.AppliedOf<ScaleDeployment>());
        Assert.Equal(9, sim.V1.SpecReplicas);
    }

    [Fact]
    public void Abort_restores_the_original_bounds()
    {
        var sim = Autoscaled();
        sim.RunUntilStageReady("canary-5");
        sim.Request(ActionAnnotations.Abort);
        sim.RunUntilPhase(Phases.RolledBack);

        Assert.Equal((4, 20), Bounds(sim.V1));
        Assert.Equal((1, 3), Bounds(sim.V2));
        Assert.Empty(sim.AppliedOf<ScaleDeployment>());
    }

    [Fact]
    public void Completion_hands_v2s_hpa_v1s_original_bounds_and_switches_v1_off_with_its_own_bounds_restored()
    {
        var sim = Autoscaled();
        sim.RunUntil(s =>
        {
            s.ApproveWhenWaiting();
            return s.Phase == Phases.Completed;
        });

        Assert.Equal((4, 20), Bounds(sim.V2));
        Assert.Equal((4, 20), Bounds(sim.V1));
        Assert.Equal(0, sim.V1.SpecReplicas);

        // Switched off, V1's HPA leaves it at zero.
        sim.RunFor(TimeSpan.FromMinutes(2));
        Assert.Equal(0, sim.V1.SpecReplicas);
    }

    [Fact]
    public void Original_state_records_each_hpa_and_its_bounds()
    {
        var sim = Autoscaled();
        sim.V1.Autoscaler!.LoadWants = 6;
        sim.V1.Settle();
        sim.Round();

        var original = sim.Status.Original!;
        Assert.Equal(4, original.Replicas);
        Assert.Equal((V1Hpa, 4, 20), (original.V1.Autoscaler!.Name, original.V1.Autoscaler.MinReplicas, original.V1.Autoscaler.MaxReplicas));
        Assert.Equal((V2Hpa, 1, 3), (original.V2.Autoscaler!.Name, original.V2.Autoscaler.MinReplicas, original.V2.Autoscaler.MaxReplicas));
        Assert.Equal(6, original.V1.Replicas);
    }

    [Fact]
    public void A_v2_at_zero_is_switched_on_at_its_floor_and_back_off_on_rollback()
    {
        var sim = Autoscaled(v2Replicas: 0);
        sim.RunUntilStageReady("canary-5");
        Assert.Equal(1, sim.V2.SpecReplicas);

        sim.Request(ActionAnnotations.Abort);
        sim.RunUntilPhase(Phases.RolledBack);
        Assert.Equal(0, sim.V2.SpecReplicas);
        Assert.Equal((1, 3), Bounds(sim.V2));
    }

    private static MigrationSimulator Autoscaled(MigrationStage[]? stages = null, int v2Replicas = 1)
    {
        var migration = Standard(spec =>
        {
            if (stages is not null)
            {
                spec.Stages = stages;
            }
        });
        var sim = new MigrationSimulator(migration, v1Replicas: 4, v2Replicas: v2Replicas)
        {
            // The shared invariants speak of Deployment replicas; here the HPAs own them, and each test states its own.
            CheckInvariants = false,
        };
        sim.V1.Autoscaler = new SimulatedAutoscaler(V1Hpa, 4, 20);
        sim.V2.Autoscaler = new SimulatedAutoscaler(V2Hpa, 1, 3);
        return sim;
    }

    private static (int Min, int Max) Bounds(SimulatedDeployment pool) => (pool.Autoscaler!.MinReplicas, pool.Autoscaler.MaxReplicas);
}
