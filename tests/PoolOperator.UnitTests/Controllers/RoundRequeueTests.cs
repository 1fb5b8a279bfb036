using PoolOperator.Api.V1Alpha1;
using PoolOperator.Controllers;
using PoolOperator.Core;
using PoolOperator.UnitTests.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Controllers;

public sealed class RoundRequeueTests
{
    private static readonly DateTimeOffset DecidedAt = MigrationSimulator.Start;

    [Fact]
    public void A_wake_up_counts_from_when_the_round_decided_not_from_when_its_writes_ended()
    {
        var decision = Decision(Phases.AwaitingApproval, TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromSeconds(23), RoundRequeue.After(decision, DecidedAt, DecidedAt + TimeSpan.FromSeconds(7)));
    }

    [Fact]
    public void A_round_that_ended_after_its_wake_up_comes_back_after_the_minimum_and_no_wake_up_means_the_resync()
    {
        Assert.Equal(RoundRequeue.Minimum, RoundRequeue.After(Decision(Phases.Progressing, TimeSpan.FromSeconds(2)), DecidedAt, DecidedAt + TimeSpan.FromSeconds(3)));
        Assert.Equal(RoundRequeue.Resync, RoundRequeue.After(Decision(Phases.Completed, null), DecidedAt, DecidedAt));
    }

    [Fact]
    public void The_revert_round_that_scales_v2_back_comes_back_at_once_and_the_next_round_says_rolled_back()
    {
        var sim = new MigrationSimulator(Standard(spec => spec.Rollback!.ScaleDownDelaySeconds = 0));
        sim.RunUntilStageReady("canary-25");
        sim.Request(ActionAnnotations.Abort);
        sim.RunUntil(s => s.LastRound.Actions.OfType<ScaleDeployment>().Any(a => a.Deployment == V2 && a.Replicas == 0), maxStep: TimeSpan.FromSeconds(1));
        var release = sim.LastRound;
        Assert.Equal(Phases.RollingBack, release.After.Phase);

        Assert.Equal(RoundRequeue.Minimum, RoundRequeue.After(release.Decision, release.Input.Now, release.Input.Now + TimeSpan.FromSeconds(1)));
        sim.Advance(RoundRequeue.Minimum);
        sim.Round();
        Assert.Equal(Phases.RolledBack, sim.Phase);
    }

    [Fact]
    public void A_forward_round_that_scales_waits_for_its_wake_up()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntil(s => s.LastRound.Actions.OfType<ScaleDeployment>().Any() && s.Phase != Phases.RollingBack);
        var round = sim.LastRound;

        Assert.NotEqual(RoundRequeue.Minimum, RoundRequeue.After(round.Decision, round.Input.Now, round.Input.Now));
    }

    private static MigrationDecision Decision(string phase, TimeSpan? requeueAfter) =>
        new(new PoolMigrationStatus { Phase = phase }, [], [], requeueAfter);
}
