using k8s;
using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

public sealed class RestartTests
{
    [Fact]
    public void New_generation_mid_migration_restarts_from_the_first_stage_keeping_the_original_capacity_first()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-25");
        var original = KubernetesJson.Serialize(sim.Status.Original);
        sim.V1.AutoReady = false;
        sim.ChangeSpec(spec => spec.Stages[1].Duration = "5m");

        sim.Advance(TimeSpan.FromSeconds(1));
        var restart = sim.Round();
        Assert.Equal(2, sim.Status.Run);
        Assert.Equal(0, sim.Stage);
        Assert.Equal(2, sim.Status.ObservedGeneration);
        Assert.Equal(original, KubernetesJson.Serialize(sim.Status.Original));
        Assert.Contains(restart.Decision.Events, e => e.Reason == "SpecChanged");
        Assert.Contains(new ScaleDeployment(V1, 10), restart.Actions);
        Assert.Contains(new ScaleDeployment(V2, 10), restart.Actions);

        // The 25% stays on V2 until V1 can take it back and V2 can take the shadow copy.
        Assert.Equal(25, sim.Status.Weight);
        sim.RunFor(TimeSpan.FromMinutes(1));
        Assert.Equal((25, 0), (sim.Status.Weight, sim.Status.ShadowPercent));

        sim.V1.MakeReady();
        sim.RunUntil(s => s.Status.ShadowPercent == 100);
        Assert.Equal(0, sim.Status.Weight);
        Assert.Equal((10, 10), (sim.V1.SpecReplicas, sim.V2.SpecReplicas));
        sim.RunUntilPhase(Phases.AwaitingApproval);
        Assert.Equal(2, sim.Status.Run);
    }

    [Fact]
    public void New_generation_during_a_rollback_waits_for_the_revert_then_retries()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-25");
        sim.Request(ActionAnnotations.Abort);
        sim.Round();
        sim.ChangeSpec(spec => spec.Stages[0].Duration = "1m");

        sim.RunUntil(s => s.Status.Run == 2);
        var rounds = sim.Rounds.SkipWhile(r => r.After.Phase != Phases.RollingBack).ToList();
        Assert.Contains(rounds, r => r.After.Phase == Phases.RolledBack && r.After.Run == 1);
        Assert.Contains(sim.Events, e => e.Reason == "SpecChanged" && e.Message.Contains("retrying", StringComparison.Ordinal));
    }

    [Fact]
    public void New_generation_after_a_rollback_is_a_retry()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        sim.Verdicts[ErrorRate] = Verdict.Fail;
        sim.RunUntilPhase(Phases.RolledBack);
        sim.Verdicts[ErrorRate] = Verdict.Pass;

        sim.ChangeSpec(spec => spec.Analysis!.Checks[0].Max = 0.5);
        sim.RunUntilStageReady("canary-5");
        Assert.Equal(2, sim.Status.Run);
    }

    [Fact]
    public void Changing_spec_replicas_restarts_with_the_new_total_but_keeps_the_recorded_original()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-25");
        sim.ChangeSpec(spec => spec.Replicas = 20);

        sim.RunUntilStageReady("shadow");
        Assert.Equal((20, 20), (sim.V1.SpecReplicas, sim.V2.SpecReplicas));
        Assert.Equal(10, sim.Status.Original!.Replicas);
        Assert.Equal(10, sim.Status.Original.V1.Replicas);

        sim.Request(ActionAnnotations.Abort);
        sim.RunUntilPhase(Phases.RolledBack);
        Assert.Equal((10, 0), (sim.V1.SpecReplicas, sim.V2.SpecReplicas));
    }

    [Fact]
    public void V2_template_change_mid_migration_restarts_from_the_first_stage()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-25");
        sim.V2.TemplateHash = "7c4b8d2f1";

        sim.Advance(TimeSpan.FromSeconds(1));
        var round = sim.Round();
        Assert.Equal(2, sim.Status.Run);
        Assert.Equal(0, sim.Stage);
        Assert.Equal("7c4b8d2f1", sim.Status.V2TemplateHash);
        Assert.Contains(round.Decision.Events, e => e.Reason == "V2TemplateChanged");
        Assert.Equal(1, sim.Status.ObservedGeneration);

        sim.RunUntilPhase(Phases.AwaitingApproval);
        Assert.Equal(2, sim.Status.Run);
    }

    [Fact]
    public void V2_template_change_after_a_rollback_does_not_move_it_forward()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        sim.Request(ActionAnnotations.Abort);
        sim.RunUntilPhase(Phases.RolledBack);

        sim.V2.TemplateHash = "7c4b8d2f1";
        sim.RunFor(TimeSpan.FromMinutes(5));
        Assert.Equal(Phases.RolledBack, sim.Phase);
        Assert.Equal(1, sim.Status.Run);
    }

    [Fact]
    public void V2_template_hash_unknown_when_the_run_started_is_learned_and_then_watched()
    {
        var sim = new MigrationSimulator(Standard());
        sim.V2.TemplateHash = null;
        sim.Round();
        Assert.Null(sim.Status.V2TemplateHash);

        sim.V2.TemplateHash = "5d8f7c9b4";
        sim.RunUntilStageReady("canary-5");
        Assert.Equal("5d8f7c9b4", sim.Status.V2TemplateHash);
        Assert.Equal(1, sim.Status.Run);

        sim.V2.TemplateHash = "7c4b8d2f1";
        sim.RunUntil(s => s.Status.Run == 2);
        Assert.Equal(0, sim.Stage);
    }

    [Fact]
    public void Completed_migration_ignores_new_generations_and_template_changes()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Stages = [Weight("full", 100)]));
        sim.RunUntilPhase(Phases.Completed);

        sim.ChangeSpec(spec => spec.Stages = [Weight("canary", 10, "1m"), Weight("full", 100)]);
        sim.V2.TemplateHash = "7c4b8d2f1";
        sim.RunFor(TimeSpan.FromMinutes(5));

        Assert.Equal(Phases.Completed, sim.Phase);
        Assert.Equal(1, sim.Status.Run);
        Assert.Equal(2, sim.Status.ObservedGeneration);
        Assert.All(sim.Rounds.SkipWhile(r => r.Before.Phase != Phases.Completed), r => Assert.Empty(r.Actions));
    }
}
