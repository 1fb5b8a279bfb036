using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

/// <summary>Keeps each check's last measurement and its consecutive failure / inconclusive streaks in status.</summary>
internal static class AnalysisBook
{
    public static bool IsDue(PoolMigrationStatus status, MigrationPlan plan, DateTimeOffset now) =>
        status.Analysis?.LastRunAt is not { } last || now >= ToOffset(last) + plan.AnalysisInterval;

    public static DateTimeOffset NextDue(PoolMigrationStatus status, MigrationPlan plan, DateTimeOffset now) =>
        status.Analysis?.LastRunAt is { } last ? ToOffset(last) + plan.AnalysisInterval : now;

    public static void Record(PoolMigrationStatus status, IEnumerable<Measurement> measurements, bool countsForStage, DateTimeOffset now)
    {
        status.Analysis ??= new AnalysisStatus();
        foreach (var measurement in measurements)
        {
            var check = status.Analysis.Checks.FirstOrDefault(c => c.Name == measurement.CheckName);
            if (check is null)
            {
                check = new CheckStatus { Name = measurement.CheckName };
                status.Analysis.Checks.Add(check);
            }

            check.Verdict = measurement.Verdict.ToString();
            check.Value = Finite(measurement.Value);
            check.Baseline = Finite(measurement.Baseline);
            check.Message = measurement.Message;
            check.MeasuredAt = measurement.MeasuredAt.UtcDateTime;
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
        }

        status.Analysis.LastRunAt = now.UtcDateTime;
        Summarize(status);
    }

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

    public static IDictionary<string, CheckStatus> Snapshot(PoolMigrationStatus status) =>
        (status.Analysis?.Checks ?? []).ToDictionary(
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
