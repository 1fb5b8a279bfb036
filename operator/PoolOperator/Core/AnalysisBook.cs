using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

/// <summary>Keeps each check's last measurement and its consecutive failure / inconclusive streaks in status.</summary>
internal static class AnalysisBook
{
    /// <summary>
    /// Records the measurements. A check whose result did not change keeps its entry untouched, so its
    /// <c>measuredAt</c> says when that result was first measured, and <c>lastRunAt</c> moves only when some result
    /// changed: a round with nothing new writes nothing. True when something changed.
    /// </summary>
    public static bool Record(PoolMigrationStatus status, IEnumerable<Measurement> measurements, bool countsForStage, DateTimeOffset now)
    {
        status.Analysis ??= new AnalysisStatus();
        var changed = false;
        foreach (var measurement in measurements)
        {
            changed |= RecordOne(status.Analysis, measurement, countsForStage);
        }

        if (changed)
        {
            status.Analysis.LastRunAt = now.UtcDateTime;
            Summarize(status);
        }

        return changed;
    }

    private static bool RecordOne(AnalysisStatus analysis, Measurement measurement, bool countsForStage)
    {
        var recorded = analysis.Checks.FirstOrDefault(c => c.Name == measurement.CheckName);

        // Taken no later than the recorded result, it is that measurement again (a round repeated after a crash):
        // counting it twice would shorten the failure limit.
        if (recorded?.MeasuredAt is { } at && measurement.MeasuredAt <= ToOffset(at))
        {
            return false;
        }

        var next = Judge(recorded, measurement, countsForStage);
        if (recorded is not null && SameResult(recorded, next))
        {
            return false;
        }

        if (recorded is null)
        {
            analysis.Checks.Add(next);
            return true;
        }

        recorded.Verdict = next.Verdict;
        recorded.Value = next.Value;
        recorded.Baseline = next.Baseline;
        recorded.Message = next.Message;
        recorded.MeasuredAt = next.MeasuredAt;
        recorded.ConsecutiveFailures = next.ConsecutiveFailures;
        recorded.ConsecutiveInconclusive = next.ConsecutiveInconclusive;
        recorded.PassedInStage = next.PassedInStage;
        return true;
    }

    private static CheckStatus Judge(CheckStatus? recorded, Measurement measurement, bool countsForStage)
    {
        var check = new CheckStatus
        {
            Name = measurement.CheckName,
            Verdict = measurement.Verdict.ToString(),
            Value = Finite(measurement.Value),
            Baseline = Finite(measurement.Baseline),
            Message = measurement.Message,
            MeasuredAt = measurement.MeasuredAt.UtcDateTime,
            ConsecutiveFailures = recorded?.ConsecutiveFailures ?? 0,
            ConsecutiveInconclusive = recorded?.ConsecutiveInconclusive ?? 0,
            PassedInStage = recorded?.PassedInStage ?? false,
        };
        switch (measurement.Verdict)
        {
            case Verdict.Pass:
                check.ConsecutiveFailures = 0;
                check.ConsecutiveInconclusive = 0;
                check.PassedInStage |= countsForStage;
                break;
            case Verdict.Fail:
                check.ConsecutiveFailures++;
                check.ConsecutiveInconclusive = 0;
                break;
            default:
                // No data is not evidence against V2: it neither fails the check nor clears a failure streak.
                check.ConsecutiveInconclusive++;
                break;
        }

        return check;
    }

    private static bool SameResult(CheckStatus a, CheckStatus b) =>
        a.Verdict == b.Verdict && a.Value == b.Value && a.Baseline == b.Baseline && a.Message == b.Message
        && a.ConsecutiveFailures == b.ConsecutiveFailures && a.ConsecutiveInconclusive == b.ConsecutiveInconclusive
        && a.PassedInStage == b.PassedInStage;

    public static void StartStage(PoolMigrationStatus status)
    {
        foreach (var check in status.Analysis?.Checks ?? [])
        {
            check.PassedInStage = false;
        }
    }

    public static void ResetStreaks(PoolMigrationStatus status)
    {
        foreach (var check in status.Analysis?.Checks ?? [])
        {
            check.ConsecutiveFailures = 0;
            check.ConsecutiveInconclusive = 0;
        }

        Summarize(status);
    }

    public static void Clear(PoolMigrationStatus status) => status.Analysis = new AnalysisStatus();

    public static CheckStatus? FirstAtFailureLimit(PoolMigrationStatus status, int limit) =>
        status.Analysis?.Checks.FirstOrDefault(c => c.ConsecutiveFailures >= limit);

    public static CheckStatus? FirstAtInconclusiveLimit(PoolMigrationStatus status, int limit) =>
        status.Analysis?.Checks.FirstOrDefault(c => c.ConsecutiveInconclusive >= limit);

    public static CheckStatus? FirstFailingNow(PoolMigrationStatus status) =>
        status.Analysis?.Checks.FirstOrDefault(c => c.Verdict == nameof(Verdict.Fail));

    /// <summary>
    /// Every configured check passed at least once since the stage's capacity was in place and passes at its latest
    /// measurement, and no check fails now. A check whose provider went quiet holds the stage: an earlier pass says
    /// nothing about V2 now, so more traffic never moves to V2 on no data.
    /// </summary>
    public static bool StagePassed(PoolMigrationStatus status, MigrationPlan plan)
    {
        var checks = status.Analysis?.Checks ?? [];
        if (checks.Any(c => c.Verdict == nameof(Verdict.Fail)))
        {
            return false;
        }

        return plan.Checks.All(configured => checks.Any(c => c.Name == configured.Name && c.PassedInStage && c.Verdict == nameof(Verdict.Pass)));
    }

    public static double? LastValue(PoolMigrationStatus status, string checkName) =>
        status.Analysis?.Checks.FirstOrDefault(c => c.Name == checkName)?.Value;

    public static IDictionary<string, CheckStatus> Snapshot(PoolMigrationStatus status) => Snapshot(status.Analysis?.Checks ?? []);

    public static IDictionary<string, CheckStatus> Snapshot(IEnumerable<CheckStatus> checks) =>
        checks.ToDictionary(
            c => c.Name,
            c => new CheckStatus
            {
                Name = c.Name,
                Verdict = c.Verdict,
                Value = c.Value,
                Baseline = c.Baseline,
                Message = c.Message,
                MeasuredAt = c.MeasuredAt,
                ConsecutiveFailures = c.ConsecutiveFailures,
                ConsecutiveInconclusive = c.ConsecutiveInconclusive,
                PassedInStage = c.PassedInStage,
            });

    private static void Summarize(PoolMigrationStatus status)
    {
        var checks = status.Analysis!.Checks;
        status.Analysis.ConsecutiveFailures = checks.Count == 0 ? 0 : checks.Max(c => c.ConsecutiveFailures);
        status.Analysis.ConsecutiveInconclusive = checks.Count == 0 ? 0 : checks.Max(c => c.ConsecutiveInconclusive);
    }

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    internal static DateTimeOffset ToOffset(DateTime time) =>
        new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
