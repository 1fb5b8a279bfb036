using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

/// <summary>PodDisruptionBudgets are reported in a condition and an Event, and never hold the migration.</summary>
public sealed class DisruptionBudgetTests
{
    [Fact]
    public void A_v1_budget_asking_more_than_the_stage_leaves_is_reported_once_and_the_migration_goes_on()
    {
        var sim = new MigrationSimulator(Bare(Weight("canary-25", 25, "1m"), Weight("half", 50, "1m"), Weight("full", 100, "1m")))
        {
            Budgets = [new DisruptionBudget("v1-pdb", CoversV1: true, CoversV2: false, MinAvailable: "6", MaxUnavailable: null), V2Budget],
        };

        sim.RunUntilStageReady("canary-25");
        Assert.True(ConditionWriter.IsTrue(sim.Status, ConditionTypes.DisruptionBudgets), Condition(sim));

        sim.RunUntilStageReady("half");
        Assert.False(ConditionWriter.IsTrue(sim.Status, ConditionTypes.DisruptionBudgets));
        Assert.Equal("BudgetExceedsStage", Reason(sim));
        Assert.Contains("v1-pdb requires 6 available pods but stage half leaves it 5", Condition(sim), StringComparison.Ordinal);

        sim.RunUntilPhase(Phases.Completed);
        var warnings = sim.EventsWithReason("DisruptionBudget").Select(e => e.Key).Distinct().ToList();
        Assert.Equal(["run1-budget-v1-pdb"], warnings);
        Assert.All(sim.EventsWithReason("DisruptionBudget"), e => Assert.Equal(MigrationEvent.Warning, e.Type));
    }

    [Fact]
    public void A_percentage_budget_follows_the_pool_and_is_never_reported()
    {
        var sim = new MigrationSimulator(Bare(Weight("half", 50, "1m"), Weight("full", 100, "1m")))
        {
            Budgets = [new DisruptionBudget("v1-pdb", CoversV1: true, CoversV2: false, MinAvailable: "80%", MaxUnavailable: null), V2Budget],
        };

        sim.RunUntil(s =>
        {
            Assert.True(ConditionWriter.IsTrue(s.Status, ConditionTypes.DisruptionBudgets) || s.Phase == Phases.Completed, Condition(s));
            return s.Phase == Phases.Completed;
        });
        Assert.Empty(sim.EventsWithReason("DisruptionBudget"));
    }

    [Fact]
    public void V2_without_a_budget_is_reported_once_it_carries_traffic_and_not_before()
    {
        var sim = new MigrationSimulator(Bare(Shadow("shadow", 100, "1m"), Weight("canary-5", 5, "1m"), Weight("full", 100, "1m"))) { Budgets = [] };

        sim.RunUntilStageReady("shadow");
        Assert.True(ConditionWriter.IsTrue(sim.Status, ConditionTypes.DisruptionBudgets), Condition(sim));

        sim.RunUntilStageReady("canary-5");
        Assert.Equal("V2WithoutBudget", Reason(sim));
        Assert.Contains("no PodDisruptionBudget covers its pods", Condition(sim), StringComparison.Ordinal);

        // Nothing holds the migration; once finished, the condition goes with the stages.
        sim.RunUntilPhase(Phases.Completed);
        Assert.DoesNotContain(sim.Status.Conditions!, c => c.Type == ConditionTypes.DisruptionBudgets);
        Assert.Single(sim.EventsWithReason("DisruptionBudget").Select(e => e.Key).Distinct());
    }

    private static DisruptionBudget V2Budget => new("v2-pdb", CoversV1: false, CoversV2: true, MinAvailable: "1", MaxUnavailable: null);

    private static string Condition(MigrationSimulator sim) =>
        sim.Status.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.DisruptionBudgets)?.Message ?? "(no condition)";

    private static string? Reason(MigrationSimulator sim) =>
        sim.Status.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.DisruptionBudgets)?.Reason;
}
