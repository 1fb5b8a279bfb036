namespace PoolOperator.Core;

/// <summary>
/// When the checks are measured. The schedule lives in the memory of the process that measures, not in status, so a
/// round with nothing new writes nothing; a restarted process forgets it and measures once more at once.
/// </summary>
internal static class AnalysisSchedule
{
    /// <summary>True when the checks are due: nothing is scheduled yet, or the scheduled instant has come.</summary>
    public static bool IsDue(DateTimeOffset? nextAt, DateTimeOffset now) => nextAt is not { } at || at <= now;

    /// <summary>
    /// When a round that measured at <paramref name="now"/>, for checks due at <paramref name="dueAt"/>, measures next:
    /// one interval after they were due, so a round that ran late (behind other migrations' rounds in the queue) does not
    /// push every later measurement back and the failure limit is still reached within interval × failureLimit. Two
    /// measurements stay at least half an interval apart, so a round held up for long does not measure twice in a row.
    /// Null <paramref name="dueAt"/> (the first measurement of this process) starts the cadence at <paramref name="now"/>.
    /// </summary>
    public static DateTimeOffset NextAfter(DateTimeOffset? dueAt, DateTimeOffset now, MigrationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var interval = plan.AnalysisInterval;
        if (dueAt is not { } due)
        {
            return now + interval;
        }

        var onCadence = due + interval;
        var earliest = now + (interval / 2);
        return onCadence > earliest ? onCadence : earliest;
    }
}
