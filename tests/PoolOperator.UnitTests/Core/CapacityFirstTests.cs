using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

public sealed class CapacityFirstTests
{
    [Fact]
    public void Weight_waits_for_every_v2_pod_of_the_stage_and_v1_is_not_touched_meanwhile()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Stages = [Weight("canary-25", 25, "1m"), Weight("full", 100, "1m")]));
        sim.V2.AutoReady = false;

        var first = sim.Round();
        Assert.Equal([new ScaleDeployment(V2, 3)], first.Actions.OfType<ScaleDeployment>());
        for (var ready = 0; ready < 3; ready++)
        {
            sim.V2.ReadyReplicas = ready;
            sim.Advance(TimeSpan.FromSeconds(20));
            var round = sim.Round();
            Assert.Equal(0, sim.Status.Weight);
            Assert.DoesNotContain(round.Actions, a => a is ScaleDeployment s && s.Deployment == V1);
            Assert.Equal(0, sim.Flags.LastPublish!.V2Percent);
            Assert.Equal(0, sim.Route.V2Weight);
        }

        sim.V2.ReadyReplicas = 3;
        sim.Advance(TimeSpan.FromSeconds(20));
        var shift = sim.Round();
        Assert.Equal(25, sim.Status.Weight);

        // The traffic is published before V1 loses a pod.
        var actions = shift.Actions.ToList();
        var publish = actions.FindIndex(a => a is RouteTraffic);
        var shrink = actions.FindIndex(a => a is ScaleDeployment { Deployment: V1, Replicas: 7 });
        Assert.True(publish >= 0 && shrink > publish, MigrationInvariants.Describe(actions));
    }

    [Fact]
    public void Growing_pool_is_scaled_before_the_traffic_and_v1_stays_warm_at_100_percent()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilPhase(Phases.AwaitingApproval);
        Assert.Equal((5, 5), (sim.V1.SpecReplicas, sim.V2.SpecReplicas));
        sim.Request(ActionAnnotations.Approve);
        sim.V2.AutoReady = false;

        sim.RunUntilStage(4);
        sim.Advance(TimeSpan.FromSeconds(1));
        var grow = sim.Round();
        Assert.Contains(new ScaleDeployment(V2, 10), grow.Actions);
        Assert.Equal(50, sim.Status.Weight);

        sim.V2.ReadyReplicas = 9;
        sim.RunFor(TimeSpan.FromMinutes(2));
        Assert.Equal(50, sim.Status.Weight);
        Assert.Equal(5, sim.V1.SpecReplicas);

        sim.V2.MakeReady();
        sim.RunUntil(s => s.Status.Weight == 100);
        Assert.Equal(5, sim.V1.SpecReplicas);
        Assert.Equal(5, sim.V1.ReadyReplicas);
    }

    [Fact]
    public void Shrink_is_not_repeated_while_the_receiving_pool_lost_its_ready_pods()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Stages = [Weight("canary-25", 25, "5m"), Weight("full", 100, "1m")]));
        sim.V2.AutoReady = false;
        sim.Round();
        sim.V2.MakeReady();
        sim.Advance(TimeSpan.FromSeconds(10));

        // The round that moves the traffic crashes before its actions: V1 is never scaled down.
        sim.Round(crashAfterStatusWrite: true);
        Assert.Equal(25, sim.Status.Weight);
        Assert.Equal(10, sim.V1.SpecReplicas);

        // On the next round V2's pods are no longer ready: V1 keeps its pods.
        sim.V2.ReadyReplicas = 0;
        sim.Advance(TimeSpan.FromSeconds(10));
        var round = sim.Round();
        Assert.DoesNotContain(round.Actions, a => a is ScaleDeployment { Deployment: V1 });

        sim.V2.MakeReady();
        sim.Advance(TimeSpan.FromSeconds(10));
        Assert.Contains(new ScaleDeployment(V1, 7), sim.Round().Actions);
    }

    [Fact]
    public void Capacity_promised_by_a_stage_holds_in_every_round_of_a_slow_rollout()
    {
        var sim = new MigrationSimulator(Standard());
        sim.V2.AutoReady = false;
        sim.V1.AutoReady = false;
        var random = new Random(7);

        // Pods become ready one at a time at random moments; the per-round invariants check the capacity.
        sim.RunUntil(s =>
        {
            s.V2.MakeReady(random.Next(0, 3));

            if (random.Next(3) == 0)
            {
                s.V1.MakeReady(1);
            }

            if (s.Phase == Phases.AwaitingApproval)
            {
                s.Request(ActionAnnotations.Approve);
            }

            return s.Phase == Phases.Completed;
        }, maxRounds: 2000);
    }

    [Fact]
    public void The_round_that_passes_a_stage_resizes_nothing_so_replicas_another_writer_added_are_not_taken_back_and_regrown()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Stages = [Weight("quarter", 25, "1m"), Weight("half", 50, "1m"), Weight("full", 100, "1m")]), v1Replicas: 4);
        sim.RunUntilStageReady("quarter");
        Assert.Equal((3, 1), (sim.V1.SpecReplicas, sim.V2.SpecReplicas));

        // kubectl scale adds two V2 pods, which become ready, just before the stage's minute is up.
        sim.V2.Scale(3);
        sim.V2.MakeReady();
        var writesBefore = sim.V2.ScaleHistory.Count;
        sim.Advance(TimeSpan.FromMinutes(2));
        var pass = sim.Round();
        Assert.Equal("half", sim.Status.StageName);
        Assert.Empty(pass.Actions.OfType<ScaleDeployment>());

        // The next stage takes the extra pods back to its own size: V2 never drops to the passed stage's single pod.
        sim.RunUntilStageReady("half");
        Assert.Equal([2], sim.V2.ScaleHistory.Skip(writesBefore));
        Assert.Equal((2, 2), (sim.V1.SpecReplicas, sim.V2.SpecReplicas));
    }

    [Fact]
    public void Ready_pods_a_deployment_status_counts_before_its_controllers_applied_a_scale_down_are_not_relied_on()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Stages = [Weight("quarter", 25, "1m"), Weight("half", 50, "1m"), Weight("full", 100, "1m")]), v1Replicas: 4);
        sim.RunUntilStageReady("quarter");
        sim.V2.Scale(3);
        sim.V2.MakeReady();
        sim.Advance(TimeSpan.FromMinutes(2));
        sim.Round();
        Assert.Equal("half", sim.Status.StageName);

        // V2 was scaled down to 1 and straight back up to 2; its status still shows the 3 ready pods from before both.
        sim.V2.LaggingController = true;
        sim.V2.Scale(1);
        sim.V2.Scale(2);
        var waiting = sim.Round();
        Assert.Equal(25, sim.Status.Weight);
        Assert.DoesNotContain(waiting.Actions, a => a is ScaleDeployment { Deployment: V1 });
        Assert.Contains("V2 Deployment's status to catch up with its spec of 2 replicas (it counts 3 ready)", sim.Status.Message);

        // Once the controllers caught up (1 pod left, then a second one ready) the traffic moves; every round's
        // invariants are judged on the pods really ready.
        sim.RunUntilStageReady("half");
        Assert.Equal(50, sim.Status.Weight);
        Assert.Equal((2, 2), (sim.V1.SpecReplicas, sim.V2.ReadyReplicas));
    }
}
