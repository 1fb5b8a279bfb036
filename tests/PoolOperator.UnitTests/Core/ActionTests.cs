using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

public sealed class ActionTests
{
    [Fact]
    public void Approve_when_no_gate_waits_is_consumed_ignored_and_does_not_pass_a_later_gate()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        var token = sim.Request(ActionAnnotations.Approve);

        sim.Advance(TimeSpan.FromSeconds(1));
        var round = sim.Round();
        Assert.Equal(token, sim.Status.HandledActions!.Approve);
        Assert.Contains(round.Decision.Events, e => e.Reason == "ActionIgnored" && e.Message.StartsWith("approve", StringComparison.Ordinal));

        sim.RunUntilPhase(Phases.AwaitingApproval);
        sim.RunFor(TimeSpan.FromMinutes(10));
        Assert.Equal(Phases.AwaitingApproval, sim.Phase);
        Assert.Single(sim.EventsWithReason("ActionIgnored"));
    }

    [Fact]
    public void An_approval_passes_only_the_gate_that_is_waiting()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Stages[2].Approval = "Required"));
        sim.RunUntilPhase(Phases.AwaitingApproval);
        Assert.Equal("canary-25", sim.Status.StageName);

        var token = sim.Request(ActionAnnotations.Approve);
        sim.RunUntilStage(3);
        Assert.Equal(token, sim.Status.HandledActions!.Approve);

        sim.RunUntilPhase(Phases.AwaitingApproval);
        Assert.Equal("half", sim.Status.StageName);
        sim.RunFor(TimeSpan.FromMinutes(10));
        Assert.Equal(Phases.AwaitingApproval, sim.Phase);

        sim.Request(ActionAnnotations.Approve);
        sim.RunUntilStage(4);
        Assert.Equal(2, sim.EventsWithReason("Approved").Count());
    }

    [Fact]
    public void An_approval_given_while_a_check_fails_opens_the_gate_once_the_check_passes_again()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilPhase(Phases.AwaitingApproval);
        sim.Verdicts[ErrorRate] = Verdict.Fail;
        var from = sim.Rounds.Count;
        sim.RunUntil(s => s.Rounds.Skip(from).Any(r => r.Input.Measurements.Count > 0));
        var token = sim.Request(ActionAnnotations.Approve);

        sim.RunFor(TimeSpan.FromSeconds(20), maxStep: TimeSpan.FromSeconds(5));
        Assert.Equal(3, sim.Stage);
        Assert.NotEqual(token, sim.Status.HandledActions!.Approve);

        sim.Verdicts[ErrorRate] = Verdict.Pass;
        sim.RunUntilStage(4);
        Assert.Equal(token, sim.Status.HandledActions.Approve);
    }

    [Fact]
    public void Promote_skips_to_the_last_stage_capacity_first()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        sim.V2.AutoReady = false;
        sim.Request(ActionAnnotations.Promote);

        sim.Advance(TimeSpan.FromSeconds(1));
        var round = sim.Round();
        Assert.Equal(4, sim.Stage);
        Assert.Contains(round.Decision.Events, e => e.Reason == "Promoted");
        Assert.Contains(new ScaleDeployment(V2, 10), round.Actions);
        Assert.Equal(5, sim.Status.Weight);

        sim.RunFor(TimeSpan.FromMinutes(1));
        Assert.Equal(5, sim.Status.Weight);
        Assert.Equal(9, sim.V1.SpecReplicas);

        sim.V2.MakeReady();
        sim.RunUntil(s => s.Status.Weight == 100);
        Assert.Equal(9, sim.V1.SpecReplicas);
        sim.RunUntilPhase(Phases.Completed);
        Assert.Single(sim.EventsWithReason("Promoted"));
    }

    [Fact]
    public void Promote_during_completing_is_ignored()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Stages = [Weight("full", 100)]));
        sim.RunUntilPhase(Phases.Completing);
        sim.Request(ActionAnnotations.Promote);
        sim.Advance(TimeSpan.FromSeconds(1));

        var round = sim.Round();
        Assert.Contains(round.Decision.Events, e => e.Reason == "ActionIgnored" && e.Message.StartsWith("promote", StringComparison.Ordinal));
        Assert.Equal(Phases.Completing, sim.Phase);
    }

    [Fact]
    public void Abort_after_the_rollback_is_ignored()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        sim.Request(ActionAnnotations.Abort);
        sim.RunUntilPhase(Phases.RolledBack);

        sim.Request(ActionAnnotations.Abort);
        sim.Advance(TimeSpan.FromSeconds(1));
        var round = sim.Round();
        Assert.Contains(round.Decision.Events, e => e.Reason == "ActionIgnored" && e.Message.StartsWith("abort", StringComparison.Ordinal));
        Assert.Equal(Phases.RolledBack, sim.Phase);
    }

    [Fact]
    public void Retry_after_a_rollback_starts_a_new_run_from_the_first_stage_keeping_the_original()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-25");
        sim.Verdicts[ErrorRate] = Verdict.Fail;
        sim.RunUntilPhase(Phases.RolledBack);
        var original = k8s.KubernetesJson.Serialize(sim.Status.Original);
        sim.Verdicts[ErrorRate] = Verdict.Pass;

        sim.Request(ActionAnnotations.Retry);
        sim.Advance(TimeSpan.FromSeconds(1));
        var round = sim.Round();

        Assert.Equal(2, sim.Status.Run);
        Assert.Equal(0, sim.Stage);
        Assert.Null(sim.Status.Rollback);
        Assert.Equal(original, k8s.KubernetesJson.Serialize(sim.Status.Original));
        Assert.Contains(round.Decision.Events, e => e.Reason == "Retry");
        Assert.Contains(new ScaleDeployment(V2, 10), round.Actions);
        Assert.All(sim.Status.Analysis!.Checks, c => Assert.Equal(0, c.ConsecutiveFailures));

        sim.RunUntil(s =>
        {
            if (s.Phase == Phases.AwaitingApproval)
            {
                s.Request(ActionAnnotations.Approve);
            }

            return s.Phase == Phases.Completed;
        });
    }

    [Fact]
    public void A_retry_token_is_handled_once()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        sim.Request(ActionAnnotations.Abort);
        sim.RunUntilPhase(Phases.RolledBack);
        sim.Request(ActionAnnotations.Retry);
        sim.RunUntil(s => s.Status.Run == 2);

        // Same annotations, decided again: nothing new happens.
        var again = MigrationDecider.Decide(sim.Observe());
        Assert.Equal(2, again.Status.Run);
        Assert.DoesNotContain(again.Events, e => e.Reason == "Retry");

        sim.RunUntilStageReady("canary-5");
        sim.Request(ActionAnnotations.Abort);
        sim.RunUntilPhase(Phases.RolledBack);
        sim.RunFor(TimeSpan.FromMinutes(10));
        Assert.Equal(Phases.RolledBack, sim.Phase);
        Assert.Equal(2, sim.Status.Run);
        Assert.Single(sim.EventsWithReason("Retry"));

        sim.Request(ActionAnnotations.Retry);
        sim.RunUntil(s => s.Status.Run == 3);
    }

    [Fact]
    public void Retry_while_progressing_is_ignored_and_does_not_retry_a_later_rollback()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        sim.Request(ActionAnnotations.Retry);
        sim.Advance(TimeSpan.FromSeconds(1));
        var round = sim.Round();
        Assert.Contains(round.Decision.Events, e => e.Reason == "ActionIgnored" && e.Message.StartsWith("retry", StringComparison.Ordinal));
        Assert.Equal(1, sim.Status.Run);

        sim.Request(ActionAnnotations.Abort);
        sim.RunUntilPhase(Phases.RolledBack);
        sim.RunFor(TimeSpan.FromMinutes(5));
        Assert.Equal(Phases.RolledBack, sim.Phase);
    }

    [Fact]
    public void Retry_requested_while_rolling_back_waits_for_the_revert_to_complete()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Rollback!.ScaleDownDelaySeconds = 120));
        sim.RunUntilStageReady("canary-25");
        sim.Request(ActionAnnotations.Abort);
        sim.Round();
        sim.Request(ActionAnnotations.Retry);

        sim.RunUntil(s => s.Status.Run == 2);
        Assert.Contains(sim.Rounds, r => r.After.Phase == Phases.RolledBack);
        Assert.True(sim.Now - sim.Rounds.First(r => r.After.Phase == Phases.RollingBack).Input.Now >= TimeSpan.FromSeconds(120));
    }

    [Fact]
    public void Pause_annotation_freezes_traffic_where_it_stands_until_removed()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        sim.Annotate(ActionAnnotations.Paused, "true");

        sim.Advance(TimeSpan.FromSeconds(1));
        sim.Round();
        Assert.Equal(Phases.Paused, sim.Phase);
        Assert.Equal(PauseReasons.Annotation, sim.Status.Pause!.Reason);
        sim.RunFor(TimeSpan.FromMinutes(15));
        Assert.Equal(1, sim.Stage);
        Assert.Equal(5, sim.Status.Weight);
        Assert.Equal(Phases.Paused, sim.Flags.LastPublish!.Phase);

        sim.RemoveAnnotation(ActionAnnotations.Paused);
        sim.RunUntilStage(2);
        Assert.Contains(sim.Events, e => e.Reason == "Resumed");
    }

    [Fact]
    public void Pausing_through_the_spec_freezes_in_place_and_resuming_continues_the_same_run()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-25");
        sim.ChangeSpec(spec => spec.Paused = true);

        sim.Advance(TimeSpan.FromSeconds(1));
        var paused = sim.Round();
        Assert.Equal(Phases.Paused, sim.Phase);
        Assert.Equal(PauseReasons.Spec, sim.Status.Pause!.Reason);
        Assert.Equal(1, sim.Status.Run);
        Assert.Equal(2, sim.Stage);
        Assert.Equal(2, sim.Status.ObservedGeneration);
        Assert.DoesNotContain(paused.Decision.Events, e => e.Reason == "SpecChanged");
        sim.RunFor(TimeSpan.FromMinutes(10));
        Assert.Equal(25, sim.Status.Weight);

        sim.ChangeSpec(spec => spec.Paused = false);
        sim.RunUntilPhase(Phases.AwaitingApproval);
        Assert.Equal(1, sim.Status.Run);
        Assert.Equal(3, sim.Status.ObservedGeneration);
    }

    [Fact]
    public void Resume_is_ignored_while_a_level_triggered_pause_holds()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        sim.Annotate(ActionAnnotations.Paused, "true");
        sim.Advance(TimeSpan.FromSeconds(1));
        sim.Round();
        sim.Request(ActionAnnotations.Resume);

        sim.Advance(TimeSpan.FromSeconds(1));
        var round = sim.Round();
        Assert.Contains(round.Decision.Events, e => e.Reason == "ActionIgnored" && e.Message.Contains(ActionAnnotations.Paused, StringComparison.Ordinal));
        Assert.Equal(Phases.Paused, sim.Phase);
    }

    [Fact]
    public void Resume_clears_an_inconclusive_pause_which_returns_only_after_a_new_streak()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        sim.Verdicts[ErrorRate] = Verdict.Inconclusive;
        sim.RunUntilPhase(Phases.Paused);

        sim.Request(ActionAnnotations.Resume);
        sim.Advance(TimeSpan.FromSeconds(1));
        sim.Round();
        Assert.Null(sim.Status.Pause);
        Assert.Equal(0, sim.Status.Analysis!.ConsecutiveInconclusive);
        Assert.Contains(sim.LastRound.Decision.Events, e => e.Reason == "Resumed");

        var from = sim.Rounds.Count;
        sim.RunUntilPhase(Phases.Paused);
        Assert.Equal(3, sim.Rounds.Skip(from).Count(r => r.Input.Measurements.Count > 0));
        Assert.Equal(PauseReasons.Inconclusive, sim.Status.Pause!.Reason);
    }

    [Fact]
    public void Retry_from_a_trigger_pause_starts_a_new_run()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Rollback!.Automatic = false));
        sim.RunUntilStageReady("canary-25");
        sim.Verdicts[ErrorRate] = Verdict.Fail;
        sim.RunUntilPhase(Phases.Paused);
        sim.Verdicts[ErrorRate] = Verdict.Pass;

        sim.Request(ActionAnnotations.Retry);
        sim.Advance(TimeSpan.FromSeconds(1));
        sim.Round();
        Assert.Equal(2, sim.Status.Run);
        Assert.Equal(0, sim.Stage);
        Assert.Null(sim.Status.Pause);
        sim.RunUntilStageReady("canary-5");
    }

    [Fact]
    public void Resume_when_nothing_is_paused_is_ignored()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        var token = sim.Request(ActionAnnotations.Resume);
        sim.Advance(TimeSpan.FromSeconds(1));

        var round = sim.Round();
        Assert.Contains(round.Decision.Events, e => e.Reason == "ActionIgnored" && e.Message.StartsWith("resume", StringComparison.Ordinal));
        Assert.Equal(token, sim.Status.HandledActions!.Resume);
    }

    [Fact]
    public void Requests_present_before_the_migration_began_are_not_acted_on()
    {
        var migration = Standard();
        migration.Metadata.Annotations![ActionAnnotations.Abort] = "left-over";
        migration.Metadata.Annotations[ActionAnnotations.Approve] = "left-over";
        var sim = new MigrationSimulator(migration);

        sim.Round();
        Assert.Equal("left-over", sim.Status.HandledActions!.Abort);
        sim.RunUntilPhase(Phases.AwaitingApproval);
        Assert.Null(sim.Status.Rollback);
    }
}
