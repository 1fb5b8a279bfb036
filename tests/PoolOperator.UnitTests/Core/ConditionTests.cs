using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

public sealed class ConditionTests
{
    private static k8s.Models.V1Condition Condition(MigrationSimulator sim, string type) =>
        sim.Status.Conditions!.Single(c => c.Type == type);

    [Fact]
    public void Every_condition_type_is_present_with_the_observed_generation()
    {
        var sim = new MigrationSimulator(Standard());
        sim.Round();

        Assert.Equal(
            new[] { ConditionTypes.Completed, ConditionTypes.Healthy, ConditionTypes.InvalidSpec, ConditionTypes.Progressing, ConditionTypes.Ready, ConditionTypes.RolledBack },
            sim.Status.Conditions!.Select(c => c.Type).Order(StringComparer.Ordinal));
        Assert.All(sim.Status.Conditions!, c => Assert.Equal(1, c.ObservedGeneration));
        Assert.All(sim.Status.Conditions!, c => Assert.False(string.IsNullOrEmpty(c.Reason)));
        Assert.Equal("True", Condition(sim, ConditionTypes.Progressing).Status);
        Assert.Equal("False", Condition(sim, ConditionTypes.InvalidSpec).Status);
        Assert.Equal("True", Condition(sim, ConditionTypes.Ready).Status);
    }

    [Fact]
    public void Last_transition_time_moves_only_when_the_status_value_changes()
    {
        var sim = new MigrationSimulator(Standard());
        sim.Round();
        var started = Condition(sim, ConditionTypes.Progressing).LastTransitionTime;

        sim.RunUntilStageReady("canary-25");
        Assert.Equal(started, Condition(sim, ConditionTypes.Progressing).LastTransitionTime);
        Assert.NotEqual(Phases.Initializing, Condition(sim, ConditionTypes.Progressing).Reason);

        sim.RunUntilPhase(Phases.AwaitingApproval);
        var waiting = Condition(sim, ConditionTypes.Progressing);
        Assert.Equal("False", waiting.Status);
        Assert.Equal(sim.Now.UtcDateTime, waiting.LastTransitionTime);

        sim.RunFor(TimeSpan.FromMinutes(3));
        Assert.Equal(waiting.LastTransitionTime, Condition(sim, ConditionTypes.Progressing).LastTransitionTime);
    }

    [Fact]
    public void Healthy_names_the_failing_check_and_recovers()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        sim.Verdicts[ErrorRate] = Verdict.Fail;
        var from = sim.Rounds.Count;
        sim.RunUntil(s => s.Rounds.Skip(from).Any(r => r.Input.Measurements.Count > 0));

        var healthy = Condition(sim, ConditionTypes.Healthy);
        Assert.Equal("False", healthy.Status);
        Assert.Equal("CheckFailing", healthy.Reason);
        Assert.Contains(ErrorRate, healthy.Message, StringComparison.Ordinal);

        sim.Verdicts[ErrorRate] = Verdict.Pass;
        from = sim.Rounds.Count;
        sim.RunUntil(s => s.Rounds.Skip(from).Any(r => r.Input.Measurements.Count > 0));
        Assert.Equal("True", Condition(sim, ConditionTypes.Healthy).Status);
    }

    [Fact]
    public void Ready_reports_capacity_short_while_v1_is_below_the_promise()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-25");
        sim.V1.AutoReady = false;
        sim.V1.ReadyReplicas = 4;
        sim.Advance(TimeSpan.FromSeconds(1));
        sim.Round();

        var ready = Condition(sim, ConditionTypes.Ready);
        Assert.Equal("False", ready.Status);
        Assert.Equal("CapacityShort", ready.Reason);
        Assert.Equal("7 of 10 promised replicas ready", ready.Message);
    }

    [Fact]
    public void Rolled_back_condition_carries_the_trigger_and_reason()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        sim.Request(ActionAnnotations.Abort);
        sim.RunUntilPhase(Phases.RolledBack);

        var rolledBack = Condition(sim, ConditionTypes.RolledBack);
        Assert.Equal("True", rolledBack.Status);
        Assert.StartsWith("abort: ", rolledBack.Message, StringComparison.Ordinal);
        Assert.Equal("False", Condition(sim, ConditionTypes.Progressing).Status);
        Assert.Equal("False", Condition(sim, ConditionTypes.Completed).Status);
    }
}
