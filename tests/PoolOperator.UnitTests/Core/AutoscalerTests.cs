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

        // Not even to retire V1: its HPA holds it at the least it can.
        Assert.Empty(sim.AppliedOf<ScaleDeployment>());
        Assert.Equal(1, sim.V1.SpecReplicas);
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
    public void Completion_hands_v2s_hpa_v1s_original_bounds_and_retires_v1_at_the_least_its_hpa_can_hold()
    {
        var sim = Autoscaled();
        sim.RunUntil(s =>
        {
            s.ApproveWhenWaiting();
            return s.Phase == Phases.Completed;
        });

        Assert.Equal((4, 20), Bounds(sim.V2));
        Assert.Equal((1, 1), Bounds(sim.V1));
        Assert.EndsWith("V1 kept at 1 replica by its HorizontalPodAutoscaler (bounds 1..1: an HPA cannot hold 0)", sim.Status.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("V1 scaled to 0", sim.Status.Message, StringComparison.Ordinal);

        sim.RunFor(TimeSpan.FromMinutes(2));
        Assert.Equal(1, sim.V1.SpecReplicas);
        Assert.Empty(sim.AppliedOf<ScaleDeployment>());
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
    public void With_an_hpa_on_v1_only_v2_takes_the_stages_share_of_v1s_size_and_v1s_bounds_shrink_behind_the_traffic()
    {
        var sim = V1Autoscaled();
        var seen = new Dictionary<string, ((int, int) V1, int V2)>();
        sim.RunUntil(s =>
        {
            s.ApproveWhenWaiting();
            if (s.Status.StageReadyAt is not null && s.Status.PromotedAt is null)
            {
                seen[s.Status.StageName!] = (Bounds(s.V1), s.V2.SpecReplicas);
            }

            return s.Phase == Phases.Completed;
        });

        // V1's HPA had chosen 6 when the migration began: V2's shares are of 6, V1's bounds the rest of 4..20.
        Assert.Equal(6, sim.Status.Original!.V1.Replicas);
        Assert.Equal(((4, 20), 6), seen["shadow"]);
        Assert.Equal(((3, 19), 1), seen["canary-5"]);
        Assert.Equal(((3, 15), 2), seen["canary-25"]);
        Assert.Equal(((2, 10), 3), seen["half"]);
        Assert.Equal(6, sim.V2.SpecReplicas);
        Assert.Equal((1, 1), Bounds(sim.V1));
        Assert.DoesNotContain(sim.AppliedOf<ScaleDeployment>(), a => a.Deployment == V1);
    }

    [Fact]
    public void With_an_hpa_on_v1_only_a_rollback_restores_v1s_bounds_and_switches_v2_off()
    {
        var sim = V1Autoscaled();
        sim.RunUntilStageReady("canary-25");
        sim.Verdicts[ErrorRate] = Verdict.Fail;
        sim.RunUntilPhase(Phases.RolledBack);

        Assert.Equal((4, 20), Bounds(sim.V1));
        Assert.Equal(0, sim.V2.SpecReplicas);
        Assert.DoesNotContain(sim.AppliedOf<ScaleDeployment>(), a => a.Deployment == V1);
    }

    [Fact]
    public void With_an_hpa_on_v2_only_its_floor_is_the_stages_share_of_v1s_replicas_and_completion_keeps_v1s_capacity()
    {
        var sim = V2Autoscaled();
        var seen = new Dictionary<string, (int V1, (int, int) V2)>();
        sim.RunUntil(s =>
        {
            s.ApproveWhenWaiting();
            if (s.Status.StageReadyAt is not null && s.Status.PromotedAt is null)
            {
                seen[s.Status.StageName!] = (s.V1.SpecReplicas, Bounds(s.V2));
            }

            return s.Phase == Phases.Completed;
        });

        // V1's 8 replicas: V2's floor is the stage's share of 8 (never below its own 2), its ceiling its own 5 or that floor.
        Assert.Equal((8, (8, 8)), seen["shadow"]);
        Assert.Equal((7, (2, 5)), seen["canary-5"]);
        Assert.Equal((6, (2, 5)), seen["canary-25"]);
        Assert.Equal((4, (4, 5)), seen["half"]);
        Assert.Equal((8, 8), Bounds(sim.V2));
        Assert.Equal(0, sim.V1.SpecReplicas);
        Assert.DoesNotContain(sim.AppliedOf<ScaleDeployment>(), a => a.Deployment == V2);
    }

    [Fact]
    public void With_an_hpa_on_v2_only_an_abort_restores_its_bounds_and_v1s_replicas()
    {
        var sim = V2Autoscaled();
        sim.RunUntilStageReady("half");
        sim.Request(ActionAnnotations.Abort);
        sim.RunUntilPhase(Phases.RolledBack);

        Assert.Equal((2, 5), Bounds(sim.V2));
        Assert.Equal(8, sim.V1.SpecReplicas);
        Assert.DoesNotContain(sim.AppliedOf<ScaleDeployment>(), a => a.Deployment == V2);
    }

    [Theory]
    [InlineData(5, 100, 5, 5)]
    [InlineData(5, 3, 1, 1)]
    [InlineData(25, 6, 2, 2)]
    [InlineData(50, 7, 4, 4)]
    public void With_an_hpa_on_v1_only_v2s_share_rounds_up_and_is_both_floor_and_ceiling(int weight, int v1Size, int floor, int ceiling)
    {
        var original = new OriginalState
        {
            V1 = new OriginalDeployment { Deployment = V1, Replicas = v1Size, Autoscaler = new OriginalAutoscaler { Name = V1Hpa, MinReplicas = 1, MaxReplicas = 200 } },
            V2 = new OriginalDeployment { Deployment = V2, Replicas = 0 },
        };
        var stage = MigrationPlan.From(Standard(spec => spec.Stages = [Weight("w", weight, "1m"), Weight("full", 100, "1m")]).Spec).Stages[0];

        Assert.Equal((floor, ceiling), Autoscaling.V2ForStage(original, stage, full: false, 0, 0));
        Assert.Equal((v1Size, v1Size), Autoscaling.V2ForStage(original, stage, full: true, 0, 0));
    }

    [Theory]
    [InlineData(1, 2, 6, 2, 6)]
    [InlineData(5, 2, 6, 5, 6)]
    [InlineData(9, 2, 6, 9, 9)]
    public void With_an_hpa_on_v2_only_its_floor_never_drops_below_its_own_and_its_ceiling_never_below_the_floor(int share, int min, int max, int floor, int ceiling)
    {
        var original = new OriginalState
        {
            V1 = new OriginalDeployment { Deployment = V1, Replicas = 10 },
            V2 = new OriginalDeployment { Deployment = V2, Replicas = min, Autoscaler = new OriginalAutoscaler { Name = V2Hpa, MinReplicas = min, MaxReplicas = max } },
        };
        var stage = MigrationPlan.From(Standard().Spec).Stages[1];

        Assert.Equal((floor, ceiling), Autoscaling.V2ForStage(original, stage, full: false, share, share));
    }

    /// <summary>V1 at 6 replicas, chosen by its HPA (4..20); V2 without an HPA, at 0.</summary>
    private static MigrationSimulator V1Autoscaled()
    {
        var sim = new MigrationSimulator(Standard(), v1Replicas: 6, v2Replicas: 0) { CheckInvariants = false };
        sim.V1.Autoscaler = new SimulatedAutoscaler(V1Hpa, 4, 20);
        return sim;
    }

    /// <summary>V1 at 8 replicas without an HPA; V2 at 2 with an HPA (2..5).</summary>
    private static MigrationSimulator V2Autoscaled()
    {
        var sim = new MigrationSimulator(Standard(), v1Replicas: 8, v2Replicas: 2) { CheckInvariants = false };
        sim.V2.Autoscaler = new SimulatedAutoscaler(V2Hpa, 2, 5);
        return sim;
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
