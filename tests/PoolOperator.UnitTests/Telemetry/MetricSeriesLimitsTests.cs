using System.Diagnostics.Metrics;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Runtime.Telemetry;
using PoolOperator.Telemetry;
using Xunit;

namespace PoolOperator.UnitTests.Telemetry;

/// <summary>
/// The operator's metrics pipeline with its series limits, read through an exporter as a scrape would read it. Other
/// tests may create the same meters concurrently, so each test counts only the series it labelled itself.
/// </summary>
public sealed class MetricSeriesLimitsTests : IDisposable
{
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly CapturingExporter exported = new();
    private readonly MeterProvider provider;

    public MetricSeriesLimitsTests()
    {
        provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(OperatorMetrics.MeterName, RuntimeMetrics.MeterName)
            .AddView(MetricSeriesLimits.For)
            .AddReader(new BaseExportingMetricReader(exported))
            .Build();
    }

    [Fact]
    public void Every_migration_keeps_its_weight_and_ready_replica_series_past_the_fixed_vocabulary_limit()
    {
        const int count = MetricSeriesLimits.FixedVocabularyLimit + 100;
        using var metrics = new OperatorMetrics(services.GetRequiredService<IMeterFactory>());
        var name = $"limits-{Guid.NewGuid():N}";
        var prefix = $"team/{name}-";
        for (var i = 0; i < count; i++)
        {
            metrics.Observe(Migration($"{name}-{i}", weight: 25, v1Ready: 3, v2Ready: 1), TimeSpan.FromMilliseconds(2));
        }

        provider.ForceFlush();

        var weights = exported.Points("pooloperator.migration.weight").Where(p => Tag(p, "migration")?.StartsWith(prefix, StringComparison.Ordinal) == true).ToList();
        var ready = exported.Points("pooloperator.migration.ready_replicas").Where(p => Tag(p, "migration")?.StartsWith(prefix, StringComparison.Ordinal) == true).ToList();
        Assert.Equal(count, weights.Count);
        Assert.All(weights, p => Assert.Equal(25, p.GetGaugeLastValueLong()));
        Assert.Equal(2 * count, ready.Count);
        Assert.Equal(count * 3, ready.Where(p => Tag(p, "pool") == "v1").Sum(p => p.GetGaugeLastValueLong()));
    }

    [Fact]
    public void A_fixed_vocabulary_stream_past_its_limit_adds_the_rest_to_the_overflow_series_and_loses_no_request()
    {
        using var metrics = new RuntimeMetrics(services.GetRequiredService<IMeterFactory>(), services);
        var verb = $"limits-{Guid.NewGuid():N}";
        const int codes = MetricSeriesLimits.FixedVocabularyLimit + 50;
        for (var code = 0; code < codes; code++)
        {
            metrics.ApiRequest(verb, $"{code}");
        }

        provider.ForceFlush();

        var points = exported.Points("pooloperator.kubernetes.requests");
        var labelled = points.Where(p => Tag(p, "verb") == verb).ToList();
        var overflow = Assert.Single(points, p => Tag(p, "otel.metric.overflow") is not null);
        Assert.True(labelled.Count <= MetricSeriesLimits.FixedVocabularyLimit, $"{labelled.Count} series kept, limit {MetricSeriesLimits.FixedVocabularyLimit}");
        Assert.True(overflow.GetSumLong() >= codes - labelled.Count, $"overflow counts {overflow.GetSumLong()}, {codes - labelled.Count} requests had no series of their own");
    }

    [Fact]
    public void Histograms_under_the_limit_keep_the_bucket_boundaries_their_instruments_advise()
    {
        using var metrics = new OperatorMetrics(services.GetRequiredService<IMeterFactory>());
        metrics.Observe(Migration($"limits-{Guid.NewGuid():N}", weight: 0, v1Ready: 1, v2Ready: 0), TimeSpan.FromMilliseconds(3));

        provider.ForceFlush();

        var reconcile = exported.Points("pooloperator.reconcile.duration").First();
        var bounds = new List<double>();
        foreach (var bucket in reconcile.GetHistogramBuckets())
        {
            bounds.Add(bucket.ExplicitBound);
        }

        Assert.Equal([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, double.PositiveInfinity], bounds);
    }

    public void Dispose()
    {
        provider.Dispose();
        services.Dispose();
    }

    private static PoolMigration Migration(string name, int weight, int v1Ready, int v2Ready) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "team" },
        Status = new PoolMigrationStatus
        {
            Phase = Phases.Progressing,
            Weight = weight,
            V1 = new PoolReplicaStatus { ReadyReplicas = v1Ready },
            V2 = new PoolReplicaStatus { ReadyReplicas = v2Ready },
        },
    };

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }

    /// <summary>Keeps the points of each metric's last export.</summary>
    private sealed class CapturingExporter : BaseExporter<Metric>
    {
        private readonly Dictionary<string, List<MetricPoint>> points = [];

        public IReadOnlyList<MetricPoint> Points(string metric)
        {
            lock (points)
            {
                return points.TryGetValue(metric, out var list) ? [.. list] : [];
            }
        }

        public override ExportResult Export(in Batch<Metric> batch)
        {
            lock (points)
            {
                foreach (var metric in batch)
                {
                    var list = points[metric.Name] = [];
                    foreach (ref readonly var point in metric.GetMetricPoints())
                    {
                        list.Add(point);
                    }
                }
            }

            return ExportResult.Success;
        }
    }
}
