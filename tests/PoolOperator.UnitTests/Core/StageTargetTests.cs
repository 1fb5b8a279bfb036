using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using Xunit;

namespace PoolOperator.UnitTests.Core;

public sealed class StageTargetTests
{
    [Theory]
    [InlineData(10, 5, 9, 1)]
    [InlineData(10, 25, 7, 3)]
    [InlineData(10, 50, 5, 5)]
    [InlineData(10, 100, 0, 10)]
    [InlineData(10, 0, 10, 0)]
    [InlineData(3, 5, 2, 1)]
    [InlineData(3, 50, 1, 2)]
    [InlineData(7, 33, 4, 3)]
    [InlineData(0, 50, 0, 0)]
    public void Weighted_stage_rounds_v2_up_and_gives_v1_the_rest(int total, int weight, int v1, int v2)
    {
        Assert.Equal((v1, v2), ReplicaMath.ForStage(total, new PlannedStage(0, "s", weight, 0, TimeSpan.Zero, false)));
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(10, 95)]
    [InlineData(2, 99)]
    public void V1_keeps_a_pod_while_it_still_receives_traffic(int total, int weight)
    {
        var (v1, v2) = ReplicaMath.ForStage(total, new PlannedStage(0, "s", weight, 0, TimeSpan.Zero, false));

        Assert.Equal(1, v1);
        Assert.Equal(total, v2);
    }

    [Theory]
    [InlineData(10, 100, 10, 10)]
    [InlineData(10, 20, 10, 2)]
    [InlineData(3, 50, 3, 2)]
    [InlineData(10, 1, 10, 1)]
    public void Shadow_stage_runs_v2_at_its_share_while_v1_keeps_full_capacity(int total, int percent, int v1, int v2)
    {
        Assert.Equal((v1, v2), ReplicaMath.ForStage(total, new PlannedStage(0, "s", 0, percent, TimeSpan.Zero, false)));
    }

    [Fact]
    public void Plan_applies_every_default_in_one_place()
    {
        var plan = MigrationPlan.From(new PoolMigrationSpec { Stages = [TestMigrations.Weight("full", 100)] });

        Assert.Equal(TimeSpan.FromSeconds(600), plan.ProgressDeadline);
        Assert.Equal(TimeSpan.FromSeconds(30), plan.AnalysisInterval);
        Assert.Equal(3, plan.FailureLimit);
        Assert.Equal(5, plan.InconclusiveLimit);
        Assert.True(plan.AutomaticRollback);
        Assert.Equal(TimeSpan.FromSeconds(30), plan.ScaleDownDelay);
        Assert.Equal(TimeSpan.FromSeconds(600), plan.RollbackWindow);
        Assert.False(plan.Paused);
        Assert.Empty(plan.Checks);
        Assert.Equal(TimeSpan.Zero, plan.Stages[0].Duration);
    }

    [Fact]
    public void Plan_parses_stage_shapes_durations_and_gates()
    {
        var plan = MigrationPlan.From(TestMigrations.Standard(spec => spec.Stages[2].Duration = "1h30m").Spec);

        Assert.Equal(["shadow", "canary-5", "canary-25", "half", "full"], plan.Stages.Select(s => s.Name));
        Assert.True(plan.Stages[0].IsShadow);
        Assert.Equal(100, plan.Stages[0].ShadowPercent);
        Assert.Equal(0, plan.Stages[0].Weight);
        Assert.Equal(TimeSpan.FromMinutes(90), plan.Stages[2].Duration);
        Assert.True(plan.Stages[3].RequiresApproval);
        Assert.False(plan.Stages[4].RequiresApproval);
    }
}
