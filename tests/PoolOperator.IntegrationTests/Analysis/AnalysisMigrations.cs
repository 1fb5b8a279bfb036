using PoolOperator.Core;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.IntegrationTests.Operator;

namespace PoolOperator.IntegrationTests.Analysis;

/// <summary>Migrations judged by real checks: the exporter series they read, the checks, and the operator settings for fast runs.</summary>
internal static class AnalysisMigrations
{
    public const string ErrorRate = "v2-error-rate";
    public const string Latency = "v2-latency-vs-v1";
    public const string Smoke = "smoke";

    /// <summary>Seconds between two measurements; also the exporter's scrape interval.</summary>
    public const int IntervalSeconds = 1;

    private static readonly double[] Buckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5];

    /// <summary>
    /// Operator settings for one test: only <paramref name="ns"/>, fast retries, and a short circuit break so a
    /// returning endpoint is probed again within a second or two instead of the default 30 s.
    /// </summary>
    public static string[] OperatorSettings(string ns, params string[] extra) =>
    [
        $"Operator:Namespaces:0={ns}",
        "Analysis:RetryBaseDelay=00:00:00.050",
        "Analysis:BreakerBreakDuration=00:00:01",
        .. extra,
    ];

    public static PoolMigration Migration(string pool, IEnumerable<AnalysisCheck> checks, int failureLimit = 3, int inconclusiveLimit = 5, params MigrationStage[] stages)
    {
        var migration = MigrationKit.Migration(pool, stages);
        migration.Spec.Analysis = new AnalysisSpec
        {
            Interval = $"{IntervalSeconds}s",
            FailureLimit = failureLimit,
            InconclusiveLimit = inconclusiveLimit,
            Checks = checks.ToList(),
        };
        return migration;
    }

    public static MigrationStage Stage(string name, int weight, string duration) => new() { Name = name, Weight = weight, Duration = duration };

    public static AnalysisCheck ErrorRateCheck(Uri prometheus, string ns, string pool) => new()
    {
        Name = ErrorRate,
        Prometheus = new PrometheusCheck { Address = prometheus.ToString(), Query = $"max(test_error_ratio{{{Labels(ns, pool, "v2")}}})" },
        Max = 0.01,
    };

    // Real dashboards use rate(...[5m]); the exporter's counters do not move, so the quantile is taken over all observations.
    public static AnalysisCheck LatencyCheck(Uri prometheus, string ns, string pool) => new()
    {
        Name = Latency,
        Prometheus = new PrometheusCheck
        {
            Address = prometheus.ToString(),
            Query = P99(ns, pool, "v2"),
            BaselineQuery = P99(ns, pool, "v1"),
        },
        MaxRatio = 1.2,
    };

    public static AnalysisCheck WebhookCheck(Uri url, int? timeoutSeconds = null) => new()
    {
        Name = Smoke,
        Webhook = new WebhookCheck { Url = url.ToString(), TimeoutSeconds = timeoutSeconds },
    };

    public static void SetErrorRatio(TestExporter exporter, string ns, string pool, double ratio) =>
        exporter.Set("test_error_ratio", Labels(ns, pool, "v2"), ratio);

    /// <summary>Every request of <paramref name="version"/> took <paramref name="seconds"/>.</summary>
    public static void SetLatency(TestExporter exporter, string ns, string pool, string version, double seconds, int requests) =>
        exporter.SetHistogram("app_request_duration_seconds", Labels(ns, pool, version), Buckets, Enumerable.Repeat(seconds, requests).ToList());

    public static CheckStatus? Check(PoolMigration migration, string name) =>
        migration.Status?.Analysis?.Checks.FirstOrDefault(c => c.Name == name);

    /// <summary>The migration stands in <paramref name="stage"/> with its capacity in place and every named check passed there.</summary>
    public static bool SettledIn(PoolMigration migration, string stage, params string[] checks) =>
        migration.Status is { StageReadyAt: not null } status && status.StageName == stage && status.Pause is null
        && checks.All(name => Check(migration, name) is { PassedInStage: true, Verdict: "Pass" });

    public static async Task<(long V1, long V2)> DeploymentGenerationsAsync(MigrationKit kit, string pool) =>
        ((await kit.ReadDeploymentAsync($"{pool}-v1")).Metadata.Generation ?? 0, (await kit.ReadDeploymentAsync($"{pool}-v2")).Metadata.Generation ?? 0);

    public static async Task<IReadOnlyList<Corev1Event>> WarningsAsync(MigrationKit kit, string pool, string reason) =>
        (await kit.EventsAsync(pool)).Where(e => e.Type == "Warning" && e.Reason == reason).ToList();

    private static string Labels(string ns, string pool, string version) => $"namespace=\"{ns}\",pool=\"{pool}\",version=\"{version}\"";

    private static string P99(string ns, string pool, string version) =>
        $"histogram_quantile(0.99, sum by (le) (app_request_duration_seconds_bucket{{{Labels(ns, pool, version)}}}))";
}
