using PoolOperator.Core;
using Xunit;

namespace PoolOperator.UnitTests.Core;

public sealed class RollbackEventTests
{
    [Fact]
    public void A_rollback_is_announced_by_Warning_Events_RollbackTriggered_and_RolledBack()
    {
        var sim = new MigrationSimulator(TestMigrations.Standard());
        sim.RunUntilStage(2);
        sim.Verdicts[TestMigrations.ErrorRate] = Verdict.Fail;

        sim.RunUntilPhase(Phases.RollingBack);
        Assert.Contains(sim.Events, e => e is { Type: MigrationEvent.Warning, Reason: "RollbackTriggered" });

        sim.RunUntilPhase(Phases.RolledBack);
        Assert.Contains(sim.Events, e => e is { Type: MigrationEvent.Warning, Reason: "RolledBack" });
        Assert.DoesNotContain(sim.Events, e => e.Reason == "RollingBack");
        Assert.DoesNotContain(sim.Events, e => e.Reason == "RolledBack" && e.Type != MigrationEvent.Warning);
    }
}
