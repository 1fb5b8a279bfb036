using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

public sealed class RollbackTests
{
    private const string OriginalRolloutJson = """{"migration":"shop/session-pool","v2Percent":0,"note":"hand-written"}""";

    [Fact]
    public void Abort_reverts_traffic_at_once_grows_v1_and_records_the_rollback()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-25");
        sim.Advance(TimeSpan.FromSeconds(5));
        sim.Request(ActionAnnotations.Abort);

        var round = sim.Round();

        Assert.Equal(Phases.RollingBack, sim.Phase);
        Assert.Equal(0, sim.Status.Weight);
        Assert.Equal(0, sim.Status.ShadowPercent);
        Assert.Equal([new ScaleDeployment(V1, 10)], round.Actions.OfType<ScaleDeployment>());
        Assert.Equal(TrafficState.Restore(Phases.RollingBack), round.Actions.OfType<RouteTraffic>().Single().Traffic);
        Assert.Equal(0, sim.Flags.LastPublish!.V2Percent);
        Assert.Equal((100, 0), (sim.Route.V1Weight, sim.Route.V2Weight));
        var rollback = sim.Status.Rollback!;
        Assert.Equal("abort", rollback.Trigger);
        Assert.Equal("canary-25", rollback.FromStage);
        Assert.Equal(25, rollback.Weight);
        Assert.Contains(ErrorRate, rollback.Snapshot.Keys);
        Assert.Contains(round.Decision.Events, e => e.Type == MigrationEvent.Warning && e.Reason == "RollbackTriggered" && e.Message.Contains("abort", StringComparison.Ordinal));
    }

    [Fact]
    public void V2_keeps_its_pods_for_the_scale_down_delay_then_the_rollback_completes()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Rollback!.ScaleDownDelaySeconds = 45));
        sim.RunUntilStageReady("canary-25");
        sim.Request(ActionAnnotations.Abort);
        sim.Round();
        var abortedAt = sim.Now;

        sim.RunUntil(s => s.V2.SpecReplicas == 0, maxStep: TimeSpan.FromSeconds(5));
        Assert.True(sim.Now - abortedAt >= TimeSpan.FromSeconds(45));
        Assert.True(sim.Now - abortedAt < TimeSpan.FromSeconds(50));
        Assert.Equal(Phases.RollingBack, sim.Phase);

        sim.Advance(TimeSpan.FromSeconds(1));
        sim.Round();
        Assert.Equal(Phases.RolledBack, sim.Phase);
        Assert.NotNull(sim.Status.Rollback!.CompletedAt);
        Assert.Equal((10, 0), (sim.V1.SpecReplicas, sim.V2.SpecReplicas));
        Assert.Contains(sim.Status.Conditions!, c => c.Type == ConditionTypes.RolledBack && c.Status == "True");
    }

    [Fact]
    public void V2_is_not_released_while_v1_lacks_the_ready_pods_to_replace_it()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Rollback!.ScaleDownDelaySeconds = 0));
        sim.RunUntilStageReady("half");
        sim.V1.AutoReady = false;
        sim.Request(ActionAnnotations.Abort);

        sim.RunFor(TimeSpan.FromMinutes(3));
        Assert.Equal(Phases.RollingBack, sim.Phase);
        Assert.Equal(5, sim.V2.SpecReplicas);
        Assert.Equal(10, sim.V1.SpecReplicas);

        sim.V1.MakeReady(4);
        sim.RunFor(TimeSpan.FromMinutes(1));
        Assert.Equal(5, sim.V2.SpecReplicas);

        sim.V1.MakeReady();
        sim.RunUntilPhase(Phases.RolledBack);
        Assert.Equal(0, sim.V2.SpecReplicas);
    }

    [Fact]
    public void V2_without_ready_pods_is_released_after_the_delay_even_before_v1_is_back()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("half");
        sim.V1.AutoReady = false;
        sim.V2.AutoReady = false;
        sim.V2.ReadyReplicas = 0;
        sim.Request(ActionAnnotations.Abort);

        sim.RunUntil(s => s.V2.SpecReplicas == 0);
        Assert.Equal(Phases.RollingBack, sim.Phase);
        sim.V1.MakeReady();
        sim.RunUntilPhase(Phases.RolledBack);
    }

    [Fact]
    public void Rolled_back_migration_never_moves_forward_on_its_own()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        sim.Request(ActionAnnotations.Abort);
        sim.RunUntilPhase(Phases.RolledBack);
        var applied = sim.AppliedOf<ScaleDeployment>().Count();

        sim.RunFor(TimeSpan.FromHours(2), maxStep: TimeSpan.FromMinutes(1));

        Assert.Equal(Phases.RolledBack, sim.Phase);
        Assert.Equal(1, sim.Status.Run);
        Assert.Equal(applied, sim.AppliedOf<ScaleDeployment>().Count());
        Assert.Equal((10, 0), (sim.V1.SpecReplicas, sim.V2.SpecReplicas));
        Assert.All(sim.Rounds.SkipWhile(r => r.Before.Phase != Phases.RolledBack), r => Assert.Null(r.Decision.RequeueAfter));
    }

    [Fact]
    public void Rollback_restores_the_exact_original_rollout_json_and_route_weights()
    {
        var sim = new MigrationSimulator(Standard());
        sim.Flags.Exists = true;
        sim.Flags.RolloutJson = OriginalRolloutJson;
        sim.Route.V1Weight = 90;
        sim.Route.V2Weight = 10;

        sim.Round();
        Assert.Equal(OriginalRolloutJson, sim.Status.Original!.Flags!.RolloutJson);
        Assert.True(sim.Status.Original.Flags.Existed);
        Assert.Equal((90, 10), (sim.Status.Original.HttpRoute!.V1Weight, sim.Status.Original.HttpRoute.V2Weight));
        Assert.NotEqual(OriginalRolloutJson, sim.Flags.RolloutJson);

        sim.RunUntilStageReady("canary-25");
        sim.Verdicts[ErrorRate] = Verdict.Fail;
        sim.RunUntilPhase(Phases.RolledBack);

        Assert.Equal(OriginalRolloutJson, sim.Flags.RolloutJson);
        Assert.Equal(OriginalRolloutJson, sim.Flags.LastPublish!.RestoreRolloutJson);
        Assert.Equal((90, 10), (sim.Route.V1Weight, sim.Route.V2Weight));
        Assert.Equal(10, sim.Status.Weight);
    }

    [Fact]
    public void Rollback_publishes_0_percent_when_the_operator_created_the_flags()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        Assert.False(sim.Status.Original!.Flags!.Existed);
        sim.Request(ActionAnnotations.Abort);
        sim.RunUntilPhase(Phases.RolledBack);

        Assert.Null(sim.Flags.LastPublish!.RestoreRolloutJson);
        Assert.Equal((0, 0, Phases.RolledBack), (sim.Flags.LastPublish.V2Percent, sim.Flags.LastPublish.ShadowPercent, sim.Flags.LastPublish.Phase));
        Assert.Equal((100, 0), (sim.Route.V1Weight, sim.Route.V2Weight));
    }

    [Fact]
    public void A_revert_that_completes_in_one_round_restores_the_traffic_even_after_a_crash()
    {
        // V2 already runs the one pod a 10% shadow needs, so an abort is complete in the round it starts.
        var sim = new MigrationSimulator(Standard(spec =>
        {
            spec.Stages = [Shadow("shadow", 10, "10m"), Weight("full", 100)];
            spec.Rollback!.ScaleDownDelaySeconds = 0;
        }), v2Replicas: 1);
        sim.RunUntilStageReady("shadow");
        Assert.Equal(10, sim.Flags.LastPublish!.ShadowPercent);
        sim.Request(ActionAnnotations.Abort);

        sim.Round(crashAfterStatusWrite: true);
        Assert.Equal(Phases.RolledBack, sim.Phase);
        Assert.Equal(10, sim.Flags.LastPublish.ShadowPercent);

        sim.Advance(TimeSpan.FromSeconds(10));
        sim.Round();
        Assert.Equal(0, sim.Flags.LastPublish.ShadowPercent);
        Assert.Equal(Phases.RolledBack, sim.Flags.LastPublish.Phase);
        Assert.Contains(sim.Events, e => e.Key == "run1-rollback" && e.Type == MigrationEvent.Warning);
    }

    [Fact]
    public void Rollback_started_during_completing_brings_back_the_warm_v1()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilPhase(Phases.AwaitingApproval);
        sim.Request(ActionAnnotations.Approve);
        sim.RunUntilPhase(Phases.Completing);
        Assert.Equal(5, sim.V1.SpecReplicas);
        sim.Request(ActionAnnotations.Abort);

        sim.RunUntilPhase(Phases.RolledBack);
        Assert.Equal("full", sim.Status.Rollback!.FromStage);
        Assert.Equal(100, sim.Status.Rollback.Weight);
        Assert.Equal((10, 0), (sim.V1.SpecReplicas, sim.V2.SpecReplicas));
    }

    [Fact]
    public void Without_automatic_rollback_a_trigger_pauses_and_holds_the_traffic()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Rollback!.Automatic = false));
        sim.RunUntilStageReady("canary-25");
        sim.Verdicts[ErrorRate] = Verdict.Fail;

        sim.RunUntilPhase(Phases.Paused);
        Assert.Equal(PauseReasons.Trigger, sim.Status.Pause!.Reason);
        Assert.Contains(ErrorRate, sim.Status.Pause.Message);
        Assert.Single(sim.EventsWithReason("RollbackTriggerPaused"));

        sim.RunFor(TimeSpan.FromMinutes(20));
        Assert.Equal(Phases.Paused, sim.Phase);
        Assert.Null(sim.Status.Rollback);
        Assert.Equal(25, sim.Status.Weight);
        Assert.Equal((7, 3), (sim.V1.SpecReplicas, sim.V2.SpecReplicas));
        Assert.Single(sim.EventsWithReason("RollbackTriggerPaused"));
    }

    [Fact]
    public void A_trigger_firing_in_the_round_v2_gets_ready_holds_the_traffic_where_it_was()
    {
        var sim = new MigrationSimulator(Standard(spec =>
        {
            spec.Stages = [Weight("canary-25", 25, "1m"), Weight("full", 100, "1m")];
            spec.Rollback!.Automatic = false;
            spec.Analysis!.FailureLimit = 1;
        }));
        sim.V2.AutoReady = false;
        sim.Round();
        sim.Verdicts[ErrorRate] = Verdict.Fail;
        sim.V2.MakeReady();
        sim.Advance(TimeSpan.FromSeconds(30));

        var round = sim.Round();
        Assert.NotEmpty(round.Input.Measurements);
        Assert.Equal(PauseReasons.Trigger, sim.Status.Pause!.Reason);
        Assert.Equal(0, sim.Status.Weight);
        Assert.Equal(0, sim.Flags.LastPublish!.V2Percent);
        Assert.Equal(10, sim.V1.SpecReplicas);
    }

    [Fact]
    public void Trigger_pause_resumes_on_request_and_the_check_gets_a_fresh_streak()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Rollback!.Automatic = false));
        sim.RunUntilStageReady("canary-5");
        sim.Verdicts[ErrorRate] = Verdict.Fail;
        sim.RunUntilPhase(Phases.Paused);
        sim.Verdicts[ErrorRate] = Verdict.Pass;

        sim.Request(ActionAnnotations.Resume);
        sim.Advance(TimeSpan.FromSeconds(1));
        sim.Round();
        Assert.Null(sim.Status.Pause);
        Assert.Equal(0, sim.Status.Analysis!.ConsecutiveFailures);

        sim.RunUntilStage(2);
        Assert.Equal(1, sim.Status.Run);
    }

    [Fact]
    public void Progress_deadline_without_automatic_rollback_pauses_without_a_requeue_loop()
    {
        var sim = new MigrationSimulator(Standard(spec =>
        {
            spec.Rollback!.Automatic = false;
            spec.ProgressDeadlineSeconds = 120;
        }));
        sim.V2.ReadyLimit = 3;

        sim.RunUntilPhase(Phases.Paused);
        Assert.Equal(PauseReasons.Trigger, sim.Status.Pause!.Reason);
        Assert.StartsWith(BuiltInChecks.ProgressDeadline, sim.Status.Pause.Message, StringComparison.Ordinal);

        sim.RunFor(TimeSpan.FromMinutes(10));
        Assert.All(sim.Rounds.TakeLast(10), r => Assert.True(r.Decision.RequeueAfter > TimeSpan.Zero));
        Assert.Equal(0, sim.Status.ShadowPercent);
    }
}
