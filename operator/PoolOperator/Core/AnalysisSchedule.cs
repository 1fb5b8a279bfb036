namespace PoolOperator.Core;

/// <summary>
/// When the checks are measured. The schedule lives in the memory of the process that measures, not in status, so a
/// round with nothing new writes nothing; a restarted process forgets it and measures once more at once.
/// </summary>
internal static class AnalysisSchedule
{
    /// <summary>True when the checks are due: nothing is scheduled yet, or the scheduled instant has come.</summary>
    public static bool IsDue(DateTimeOffset? nextAt, DateTimeOffset now) => nextAt is not { } at || at <= now;

    /// <summary>When a round that measured at <paramref name="now"/> measures next.</summary>
    public static DateTimeOffset NextAfter(DateTimeOffset now, MigrationPlan plan) => now + plan.AnalysisInterval;
}
