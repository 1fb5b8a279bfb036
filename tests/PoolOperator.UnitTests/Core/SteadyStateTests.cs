using k8s;
using PoolOperator.Analysis;
using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

/// <summary>
/// A round in which nothing changed writes nothing: the persisted status stays byte for byte the same across
/// many rounds and several analysis intervals, so a waiting migration costs no status write and no watch event.
/// </summary>
public sealed class SteadyStateTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_migration_waiting_at_an_approval_gate_keeps_its_status_unchanged()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilPhase(Phases.AwaitingApproval);

        AssertStatusHoldsStill(sim, measured: true);
        Assert.Equal(Phases.AwaitingApproval, sim.Phase);
    }

    [Fact]
    public void A_long_stage_with_passing_checks_keeps_its_status_unchanged()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Stages[1].Duration = "1h"));
        sim.RunUntilStageReady("canary-5");
        sim.RunUntil(s => s.Status.Analysis!.Checks.All(c => c.PassedInStage));

        AssertStatusHoldsStill(sim, measured: true);
        Assert.Equal(("canary-5", Phases.Progressing), (sim.Status.StageName, sim.Phase));
    }

    [Fact]
    public void A_completed_migration_keeps_its_status_unchanged()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntil(s =>
        {
            s.ApproveWhenWaiting();
            return s.Phase == Phases.Completed;
        });

        AssertStatusHoldsStill(sim, measured: false);
    }

    [Fact]
    public void A_rolled_back_migration_keeps_its_status_unchanged()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-25");
        sim.Verdicts[ErrorRate] = Verdict.Fail;
        sim.RunUntilPhase(Phases.RolledBack);

        AssertStatusHoldsStill(sim, measured: false);
    }

    /// <summary>
    /// Runs rounds for ten analysis intervals, some at the requeue the core asked for and some in between (as
    /// watch events of unrelated changes would cause), and requires the persisted status to stay the same.
    /// </summary>
    private static void AssertStatusHoldsStill(MigrationSimulator sim, bool measured)
    {
        sim.Step();
        sim.Round();
        var settled = KubernetesJson.Serialize(sim.Status);
        var from = sim.Rounds.Count;
        var end = sim.Now + (10 * Interval);
        while (sim.Now < end)
        {
            sim.Step(TimeSpan.FromSeconds(7));
            sim.Round();
            Assert.Equal(settled, KubernetesJson.Serialize(sim.Status));
        }

        var rounds = sim.Rounds.Skip(from).ToList();
        Assert.True(rounds.Count >= 40, $"only {rounds.Count} rounds ran");
        if (measured)
        {
            // The checks were measured every interval all along; only nothing new came of it.
            Assert.InRange(rounds.Count(r => r.Input.Measurements.Count > 0), 9, 11);
        }
    }
}
