using PoolOperator.Core;

namespace PoolOperator.Controllers;

/// <summary>When the work queue brings a migration back after a round that went to the end.</summary>
internal static class RoundRequeue
{
    public static readonly TimeSpan Minimum = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan Resync = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The core's wake-up counts from <paramref name="decidedAt"/>; the queue counts from <paramref name="now"/>, after the
    /// round's measurement and writes, which take seconds on a busy apiserver. A revert round that scaled a Deployment
    /// comes back at once: the next round reads what this one wrote (see <c>LatestKnown</c>) and can take the revert's
    /// next step, such as recording RolledBack after V2 was scaled back, without waiting for the watch to return the write.
    /// </summary>
    public static TimeSpan After(MigrationDecision decision, DateTimeOffset decidedAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Status.Phase == Phases.RollingBack && decision.Actions.OfType<ScaleDeployment>().Any())
        {
            return Minimum;
        }

        return decision.RequeueAfter is { } after ? Clamp(decidedAt + after - now) : Resync;
    }

    private static TimeSpan Clamp(TimeSpan after) =>
        after < Minimum ? Minimum : after > Resync ? Resync : after;
}
