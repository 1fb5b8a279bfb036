using PoolOperator.Core;
using Xunit;

namespace PoolOperator.UnitTests.Core;

/// <summary>The resume command of docs/actions.md removes the paused annotation and sets a resume token at once.</summary>
public sealed class ResumeCommandTests
{
    [Fact]
    public void Removing_the_paused_annotation_with_a_resume_token_resumes_without_an_ignored_action()
    {
        var sim = new MigrationSimulator(TestMigrations.Standard());
        sim.RunUntilStage(1);
        sim.Annotate(ActionAnnotations.Paused, "true");
        sim.RunUntilPhase(Phases.Paused);
        Assert.Equal(PauseReasons.Annotation, sim.Status.Pause?.Reason);

        sim.RemoveAnnotation(ActionAnnotations.Paused);
        var token = sim.Request(ActionAnnotations.Resume);
        var round = sim.Round();

        Assert.Null(sim.Status.Pause);
        Assert.NotEqual(Phases.Paused, sim.Phase);
        Assert.Equal(token, sim.Status.HandledActions?.Resume);
        Assert.DoesNotContain(round.Decision.Events, e => e.Reason == "ActionIgnored");
        Assert.Contains(round.Decision.Events, e => e.Reason == "Resumed");
    }

    [Fact]
    public void A_resume_token_while_the_paused_annotation_stays_is_reported_as_ignored()
    {
        var sim = new MigrationSimulator(TestMigrations.Standard());
        sim.RunUntilStage(1);
        sim.Annotate(ActionAnnotations.Paused, "true");
        sim.RunUntilPhase(Phases.Paused);

        sim.Request(ActionAnnotations.Resume);
        var round = sim.Round();

        Assert.Equal(Phases.Paused, sim.Phase);
        Assert.Contains(round.Decision.Events, e => e.Reason == "ActionIgnored" && e.Message.Contains(ActionAnnotations.Paused, StringComparison.Ordinal));
    }
}
