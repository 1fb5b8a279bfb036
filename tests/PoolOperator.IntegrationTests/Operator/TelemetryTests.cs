using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using k8s;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.Telemetry;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>What a Prometheus scraping the operator's /metrics sees, and the spans of a reconcile, on the real apiserver.</summary>
[Collection(ClusterCollection.Name)]
public sealed partial class TelemetryTests(ClusterFixture cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task MetricsDescribeMigrationsAndTheOperatorAndNoSeriesOutlivesItsMigration()
    {
        var ns = await cluster.CreateNamespaceAsync("telemetry");
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");
        using var http = new HttpClient { BaseAddress = instance.BaseAddress };
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("done", 2);
        await kit.CreatePoolAsync("stopped", 2);

        await kit.CreateAsync(MigrationKit.Migration("done"));
        var stopped = MigrationKit.Migration("stopped", new MigrationStage { Name = "canary", Weight = 50, Approval = "Required" }, new MigrationStage { Name = "full", Weight = 100 });
        await kit.CreateAsync(stopped);
        await kit.WaitForPhaseAsync("done", Phases.Completed, TimeSpan.FromSeconds(90));
        await kit.WaitForPhaseAsync("stopped", Phases.AwaitingApproval, TimeSpan.FromSeconds(90));
        await kit.AnnotateAsync("stopped", ActionAnnotations.Abort, "now");
        await kit.WaitForPhaseAsync("stopped", Phases.RolledBack, TimeSpan.FromSeconds(90));

        var scrape = await ScrapeWhenAsync(http, text => Value(text, "pooloperator_migrations", ("phase", "RolledBack")) == 1, "the rolled-back migration is counted");
        output.WriteLine(scrape);
        Assert.Equal(1, Value(scrape, "pooloperator_migrations", ("phase", "Completed")));
        Assert.Equal(100, Value(scrape, "pooloperator_migration_weight_percent", ("migration", $"{ns}/done")));
        Assert.Equal(0, Value(scrape, "pooloperator_migration_weight_percent", ("migration", $"{ns}/stopped")));
        Assert.Equal(2, Value(scrape, "pooloperator_migration_ready_replicas", ("migration", $"{ns}/done"), ("pool", "v2")));
        Assert.True(Value(scrape, "pooloperator_migration_phase_transitions_total", ("phase", "Completed")) >= 1);
        Assert.True(Value(scrape, "pooloperator_migration_stage_transitions_total", ("stage", "canary-25")) >= 1);
        Assert.True(Value(scrape, "pooloperator_migration_stage_duration_seconds_count", ("outcome", "passed")) >= 2);
        Assert.True(Value(scrape, "pooloperator_migration_stage_duration_seconds_count", ("outcome", "rolled_back")) >= 1);
        Assert.True(Value(scrape, "pooloperator_migration_rollbacks_total") >= 1);
        Assert.True(Value(scrape, "pooloperator_reconcile_duration_seconds_count") >= 4);
        Assert.True(Value(scrape, "pooloperator_kubernetes_requests_total", ("verb", "watch")) >= 1);
        Assert.True(Value(scrape, "pooloperator_kubernetes_requests_total", ("verb", "update"), ("code", "200")) >= 1);
        Assert.True(Value(scrape, "pooloperator_kubernetes_requests_total", ("verb", "patch"), ("code", "200")) >= 1);
        Assert.NotNull(Value(scrape, "pooloperator_workqueue_depth", ("controller", "poolmigration")));

        await kit.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(PoolMigration.Group, PoolMigration.Version, ns, PoolMigration.Plural, "done");
        var after = await ScrapeWhenAsync(http, text => !text.Contains($"migration=\"{ns}/done\"", StringComparison.Ordinal), "the deleted migration's series are gone");
        Assert.Null(Value(after, "pooloperator_migrations", ("phase", "Completed")));
        Assert.Equal(0, Value(after, "pooloperator_migration_weight_percent", ("migration", $"{ns}/stopped")));
    }

    [Fact]
    public async Task EachReconcileIsATraceWithObserveMeasurePersistAndApplySpans()
    {
        var ns = await cluster.CreateNamespaceAsync("traces");
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == OperatorTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", 2);

        await kit.CreateAsync(MigrationKit.Migration("pool"));
        await kit.WaitForPhaseAsync("pool", Phases.Completed, TimeSpan.FromSeconds(90));

        var reconciles = spans.Where(s => s.OperationName == "reconcile" && (string?)s.GetTagItem("migration.namespace") == ns).ToList();
        Assert.NotEmpty(reconciles);
        var ids = reconciles.Select(r => r.SpanId).ToHashSet();
        var children = spans.Where(s => ids.Contains(s.ParentSpanId)).Select(s => s.OperationName).ToHashSet();
        Assert.Superset(new HashSet<string> { "observe", "persist", "apply" }, children);
        Assert.All(spans.Where(s => s.OperationName is "observe" or "persist" or "apply" && reconciles.Any(r => r.TraceId == s.TraceId)),
            span => Assert.Contains(span.ParentSpanId, ids));
    }

    private async Task<string> ScrapeWhenAsync(HttpClient http, Func<string, bool> condition, string description)
    {
        var last = "";
        await cluster.WaitForAsync(async () =>
        {
            last = await http.GetStringAsync("/metrics");
            return condition(last);
        }, TimeSpan.FromSeconds(30), description);
        return last;
    }

    /// <summary>The value of the one sample named <paramref name="name"/> carrying every label given, or null.</summary>
    private static double? Value(string scrape, string name, params (string Key, string Value)[] labels)
    {
        var matching = scrape.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(line => labels.All(l => line.Contains($"{l.Key}=\"{l.Value}\"", StringComparison.Ordinal)))
            .ToList();
        if (matching.Count == 0)
        {
            return null;
        }

        return matching.Sum(line => double.Parse(SampleValue().Match(line).Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"[} ](?<value>[-+0-9.eENaInf]+)( [0-9]+)?\s*$")]
    private static partial Regex SampleValue();
}
