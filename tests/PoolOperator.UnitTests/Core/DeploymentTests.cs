using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

public sealed class DeploymentTests
{
    [Theory]
    [InlineData(true, "spec.v1.deployment", V1)]
    [InlineData(false, "spec.v2.deployment", V2)]
    public void Missing_deployment_before_the_migration_began_is_invalid_and_names_the_field(bool v1Missing, string field, string name)
    {
        var sim = new MigrationSimulator(Standard());
        (v1Missing ? sim.V1 : sim.V2).Exists = false;

        var round = sim.Round();
        Assert.Equal(Phases.Invalid, sim.Phase);
        Assert.Empty(round.Actions);
        Assert.Null(sim.Status.Original);
        Assert.Contains(field, sim.Status.Message, StringComparison.Ordinal);
        Assert.Contains(name, sim.Status.Message, StringComparison.Ordinal);
        var condition = sim.Status.Conditions!.Single(c => c.Type == ConditionTypes.InvalidSpec);
        Assert.Equal("True", condition.Status);
        Assert.Contains(field, condition.Message, StringComparison.Ordinal);
        Assert.Contains(round.Decision.Events, e => e.Type == MigrationEvent.Warning && e.Reason == "InvalidSpec");

        sim.RunFor(TimeSpan.FromMinutes(2));
        Assert.Single(sim.EventsWithReason("InvalidSpec"));

        (v1Missing ? sim.V1 : sim.V2).Exists = true;
        sim.RunUntilStageReady("shadow");
        Assert.Equal(1, sim.Status.Run);
    }

    [Fact]
    public void Deployment_deleted_mid_migration_pauses_with_no_action_at_all_and_resumes_when_it_is_back()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-25");
        sim.V2.Exists = false;
        var from = sim.Rounds.Count;

        sim.RunFor(TimeSpan.FromMinutes(15));
        Assert.All(sim.Rounds.Skip(from), r => Assert.Empty(r.Actions));
        Assert.Equal(Phases.Paused, sim.Phase);
        Assert.Equal(PauseReasons.DeploymentMissing, sim.Status.Pause!.Reason);
        Assert.Contains("spec.v2.deployment", sim.Status.Pause.Message, StringComparison.Ordinal);
        Assert.Single(sim.EventsWithReason("DeploymentMissing"));
        Assert.Equal(2, sim.Stage);

        sim.V2.Exists = true;
        sim.Advance(TimeSpan.FromSeconds(1));
        sim.Round();
        Assert.Null(sim.Status.Pause);
        Assert.Contains(sim.Events, e => e.Reason == "DeploymentFound");
        Assert.Equal(1, sim.Status.Run);
        sim.RunUntilPhase(Phases.AwaitingApproval);
    }

    [Fact]
    public void Deployment_deleted_during_a_rollback_freezes_it_and_the_rollback_finishes_afterwards()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-25");
        sim.Request(ActionAnnotations.Abort);
        sim.Round();
        sim.V1.Exists = false;

        sim.RunFor(TimeSpan.FromMinutes(5));
        Assert.Equal(Phases.RollingBack, sim.Phase);
        Assert.Equal(3, sim.V2.SpecReplicas);

        sim.V1.Exists = true;
        sim.RunUntilPhase(Phases.RolledBack);
        Assert.Equal((10, 0), (sim.V1.SpecReplicas, sim.V2.SpecReplicas));
    }

    [Fact]
    public void Spec_errors_make_the_migration_invalid_and_touch_nothing()
    {
        var sim = new MigrationSimulator(Standard());
        sim.SpecErrors.Add(new SpecProblem("spec.stages[4].weight", "the last stage must have weight 100"));

        var round = sim.Round();
        Assert.Equal(Phases.Invalid, sim.Phase);
        Assert.Empty(round.Actions);
        Assert.Equal("spec.stages[4].weight: the last stage must have weight 100", sim.Status.Message);
        Assert.Contains(sim.Status.Conditions!, c => c.Type == ConditionTypes.InvalidSpec && c.Status == "True" && c.Reason == "InvalidSpec");
        Assert.Contains(sim.Status.Conditions!, c => c.Type == ConditionTypes.Ready && c.Status == "False" && c.Reason == "InvalidSpec");
        Assert.Single(round.Decision.Events, e => e.Type == MigrationEvent.Warning);

        sim.RunFor(TimeSpan.FromMinutes(5));
        Assert.Single(sim.EventsWithReason("InvalidSpec"));
        Assert.Empty(sim.Applied);
    }

    [Fact]
    public void Spec_made_invalid_mid_migration_stops_acting_and_a_fixed_spec_restarts()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-25");
        sim.ChangeSpec(spec => spec.Stages[4].Weight = 90);
        sim.SpecErrors.Add(new SpecProblem("spec.stages[4].weight", "the last stage must have weight 100"));
        var from = sim.Rounds.Count;

        sim.RunFor(TimeSpan.FromMinutes(5));
        Assert.Equal(Phases.Invalid, sim.Phase);
        Assert.All(sim.Rounds.Skip(from), r => Assert.Empty(r.Actions));

        sim.SpecErrors.Clear();
        sim.ChangeSpec(spec => spec.Stages[4].Weight = 100);
        sim.RunUntilStageReady("shadow");
        Assert.Equal(2, sim.Status.Run);
        Assert.Contains(sim.Status.Conditions!, c => c.Type == ConditionTypes.InvalidSpec && c.Status == "False");
    }
}
