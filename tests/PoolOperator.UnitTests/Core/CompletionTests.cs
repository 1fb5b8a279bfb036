using k8s;
using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

public sealed class CompletionTests
{
    private static MigrationSimulator Completing(int windowSeconds = 300)
    {
        var sim = new MigrationSimulator(Standard(spec =>
        {
            spec.Stages = [Weight("canary", 50, "1m"), Weight("full", 100, "1m")];
            spec.Completion!.RollbackWindowSeconds = windowSeconds;
        }));
        sim.RunUntilPhase(Phases.Completing);
        return sim;
    }

    [Fact]
    public void V1_stays_warm_for_the_rollback_window_then_scales_to_0_once()
    {
        var sim = Completing();
        var promotedAt = AnalysisBook.ToOffset(sim.Status.PromotedAt!.Value);
        Assert.Equal(5, sim.V1.SpecReplicas);

        sim.RunUntilPhase(Phases.Completed, maxStep: TimeSpan.FromSeconds(10));
        var scaledAt = sim.Rounds.First(r => r.Actions.Contains(new ScaleDeployment(V1, 0))).Input.Now;
        Assert.Equal(promotedAt + TimeSpan.FromSeconds(300), scaledAt);
        Assert.Equal([5, 0], sim.V1.ScaleHistory);
        Assert.Contains(sim.Status.Conditions!, c => c.Type == ConditionTypes.Completed && c.Status == "True");
        Assert.Contains(sim.Status.Conditions!, c => c.Type == ConditionTypes.Progressing && c.Status == "False");
    }

    [Fact]
    public void Completed_stays_completed_when_the_operator_restarts()
    {
        var sim = Completing();
        sim.RunUntilPhase(Phases.Completed);
        var persisted = KubernetesJson.Serialize(sim.Status);

        // A restarted operator decides again from the same status and observations.
        var again = MigrationDecider.Decide(sim.Observe());
        Assert.Empty(again.Actions);
        Assert.Equal(Phases.Completed, again.Status.Phase);
        Assert.Equal(persisted, KubernetesJson.Serialize(again.Status));
        Assert.Null(again.RequeueAfter);
        Assert.All(again.Events, e => Assert.NotNull(e.Key));

        sim.RunFor(TimeSpan.FromHours(1), maxStep: TimeSpan.FromMinutes(5));
        Assert.Equal(Phases.Completed, sim.Phase);
    }

    [Fact]
    public void Completed_stays_completed_whatever_the_world_does()
    {
        var sim = Completing();
        sim.RunUntilPhase(Phases.Completed);
        sim.V1.Exists = false;
        sim.SpecErrors.Add(new SpecProblem("spec.stages", "broken"));
        sim.Annotate(ActionAnnotations.Paused, "true");
        sim.Request(ActionAnnotations.Abort);
        sim.Request(ActionAnnotations.Retry);

        sim.RunFor(TimeSpan.FromMinutes(10));
        Assert.Equal(Phases.Completed, sim.Phase);
        Assert.All(sim.Rounds.SkipWhile(r => r.Before.Phase != Phases.Completed), r => Assert.Empty(r.Actions));
    }

    [Fact]
    public void Zero_window_scales_v1_down_as_soon_as_the_last_stage_passed()
    {
        var sim = Completing(windowSeconds: 0);
        sim.RunUntilPhase(Phases.Completed);
        var scaledAt = sim.Rounds.First(r => r.Actions.Contains(new ScaleDeployment(V1, 0))).Input.Now;
        Assert.Equal(AnalysisBook.ToOffset(sim.Status.PromotedAt!.Value), scaledAt);
    }

    [Fact]
    public void A_pause_during_the_window_keeps_v1_warm_past_its_end()
    {
        var sim = Completing();
        sim.Annotate(ActionAnnotations.Paused, "true");

        sim.RunFor(TimeSpan.FromMinutes(15));
        Assert.Equal(Phases.Paused, sim.Phase);
        Assert.Equal(5, sim.V1.SpecReplicas);

        sim.RemoveAnnotation(ActionAnnotations.Paused);
        sim.RunUntilPhase(Phases.Completed);
        Assert.Equal(0, sim.V1.SpecReplicas);
    }

    [Fact]
    public void V1_is_kept_when_the_window_ends_while_v2_is_short_of_ready_pods()
    {
        var sim = Completing();
        var windowEnds = AnalysisBook.ToOffset(sim.Status.PromotedAt!.Value) + TimeSpan.FromSeconds(300);
        sim.RunUntil(s => s.Now >= windowEnds - TimeSpan.FromSeconds(40), maxStep: TimeSpan.FromSeconds(10));
        sim.V2.AutoReady = false;
        sim.V2.ReadyReplicas = 9;

        sim.RunUntil(s => s.Now >= windowEnds + TimeSpan.FromSeconds(20), maxStep: TimeSpan.FromSeconds(10));
        Assert.Equal(5, sim.V1.SpecReplicas);
        Assert.Equal(Phases.Completing, sim.Phase);

        sim.V2.MakeReady();
        sim.RunUntilPhase(Phases.Completed);
        Assert.Null(sim.Status.Rollback);
    }
}
