using PoolOperator.Api.V1Alpha1;
using PoolOperator.Kubectl.Actions;
using Xunit;

namespace PoolOperator.Kubectl.Tests;

public sealed class ActionRulesTests
{
    private static PoolMigration InPhase(string phase)
    {
        var status = Migrations.AtCanary25();
        status.Phase = phase;
        return Migrations.Standard(status);
    }

    [Theory]
    [InlineData("approve", "AwaitingApproval", "pooloperator.io/approve")]
    [InlineData("promote", "Progressing", "pooloperator.io/promote")]
    [InlineData("abort", "Progressing", "pooloperator.io/abort")]
    [InlineData("abort", "AwaitingApproval", "pooloperator.io/abort")]
    [InlineData("retry", "RolledBack", "pooloperator.io/retry")]
    public void An_applicable_action_sets_its_documented_annotation_to_the_token(string action, string phase, string annotation)
    {
        var request = ActionRules.For(action, InPhase(phase), "t-1");

        Assert.True(request.Applies);
        Assert.Equal(new Dictionary<string, string?> { [annotation] = "t-1" }, request.Annotations);
    }

    [Theory]
    [InlineData("approve", "Progressing", "no stage of session-pool is awaiting approval")]
    [InlineData("promote", "Completed", "only a running migration can be promoted")]
    [InlineData("abort", "RolledBack", "only a running migration can be aborted")]
    [InlineData("retry", "Progressing", "there is no rollback or failed check to retry from")]
    [InlineData("pause", "Completed", "only a running migration can be paused")]
    [InlineData("resume", "Progressing", "session-pool is not paused")]
    public void An_action_that_does_not_apply_writes_nothing_and_says_why(string action, string phase, string why)
    {
        var request = ActionRules.For(action, InPhase(phase), "t-1");

        Assert.False(request.Applies);
        Assert.Empty(request.Annotations);
        Assert.Contains(why, request.Refusal);
    }

    [Fact]
    public void Pause_is_level_triggered_and_resume_removes_it_with_a_token()
    {
        var migration = InPhase("Progressing");
        Assert.Equal(new Dictionary<string, string?> { ["pooloperator.io/paused"] = "true" }, ActionRules.For("pause", migration, "t").Annotations);

        migration.Metadata.Annotations["pooloperator.io/paused"] = "true";
        Assert.True(ActionRules.For("pause", migration, "t").ChangesNothing);
        Assert.Equal(
            new Dictionary<string, string?> { ["pooloperator.io/paused"] = null, ["pooloperator.io/resume"] = "t-2" },
            ActionRules.For("resume", migration, "t-2").Annotations);
    }

    [Fact]
    public void Resume_refuses_a_pause_that_lives_in_the_spec()
    {
        var migration = InPhase("Paused");
        migration.Spec.Paused = true;
        migration.Status!.Pause = new PauseStatus { Reason = "Spec" };

        Assert.Contains("spec.paused", ActionRules.For("resume", migration, "t").Refusal);
    }
}
