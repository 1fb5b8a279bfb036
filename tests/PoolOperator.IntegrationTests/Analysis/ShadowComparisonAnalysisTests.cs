using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using Xunit;

namespace PoolOperator.IntegrationTests.Analysis;

/// <summary>
/// The shadowComparison check against a real Prometheus scraping the client SDK's counter as the OpenTelemetry
/// exporter names and labels it: the generated PromQL selects this migration's comparisons only and turns two
/// scrapes of growing counters into the mismatch ratio.
/// </summary>
[Collection(PrometheusCollection.Name)]
public sealed class ShadowComparisonAnalysisTests(PrometheusFixture prometheus)
{
    private const string Counter = "poolmigration_shadow_comparisons_total";

    [Fact]
    public async Task Agreement_passes_with_the_ratio_of_this_migrations_comparisons()
    {
        await using var host = new AnalysisHost();
        await GrowAsync("agreeing", matches: 500, mismatches: 2);
        await GrowAsync("noisy-neighbour", matches: 10, mismatches: 300);

        var measurement = await MeasureAsync(host, "agreeing", maxMismatchRatio: 0.01);

        Assert.Equal(Verdict.Pass, measurement.Verdict);
        Assert.Equal(2.0 / 502, measurement.Value!.Value, 6);
        Assert.Matches(@"^mismatch ratio 0\.00398406 \(2 of [0-9]+ shadow comparisons in the last 1m\) <= maxMismatchRatio 0\.01$", measurement.Message);
    }

    [Fact]
    public async Task Disagreement_fails()
    {
        await using var host = new AnalysisHost();
        await GrowAsync("diverging", matches: 100, mismatches: 100);

        var measurement = await MeasureAsync(host, "diverging", maxMismatchRatio: 0.01);

        Assert.Equal(Verdict.Fail, measurement.Verdict);
        Assert.Equal(0.5, measurement.Value!.Value, 6);
        Assert.EndsWith("> maxMismatchRatio 0.01", measurement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_few_comparisons_and_none_at_all_are_inconclusive()
    {
        await using var host = new AnalysisHost();
        await GrowAsync("quiet", matches: 20, mismatches: 0);

        var quiet = await MeasureAsync(host, "quiet", maxMismatchRatio: 0.01);
        var unknown = await MeasureAsync(host, "never-shadowed", maxMismatchRatio: 0.01);

        Assert.Equal(Verdict.Inconclusive, quiet.Verdict);
        Assert.Matches("^[0-9]+ shadow comparisons in the last 1m, fewer than minComparisons 100: too few to judge$", quiet.Message);
        Assert.Equal(Verdict.Inconclusive, unknown.Verdict);
        Assert.Equal("0 shadow comparisons in the last 1m, fewer than minComparisons 100: too few to judge", unknown.Message);
    }

    /// <summary>The migration's counters at 0, scraped, then at the given totals, scraped: one increase between two samples.</summary>
    private async Task GrowAsync(string migration, int matches, int mismatches)
    {
        Set(migration, matches: 0, mismatches: 0);
        await prometheus.WaitForScrapeAsync();
        Set(migration, matches, mismatches);
        await prometheus.WaitForScrapeAsync();
    }

    private void Set(string migration, int matches, int mismatches)
    {
        prometheus.Exporter.Set(Counter, $"migration=\"{AnalysisHost.Namespace}/{migration}\",outcome=\"match\",category=\"none\"", matches);
        prometheus.Exporter.Set(Counter, $"migration=\"{AnalysisHost.Namespace}/{migration}\",outcome=\"mismatch\",category=\"value\"", mismatches);
    }

    private async Task<Measurement> MeasureAsync(AnalysisHost host, string migration, double maxMismatchRatio)
    {
        var check = new AnalysisCheck
        {
            Name = "shadow-agreement",
            ShadowComparison = new ShadowComparisonCheck
            {
                Prometheus = new PrometheusEndpoint { Address = prometheus.Address.ToString(), TimeoutSeconds = 5 },
                MaxMismatchRatio = maxMismatchRatio,
                Window = "1m",
            },
        };
        var shadowing = new MeasurementContext(AnalysisHost.Namespace, migration, "shadow", 0, "Shadowing", 100);
        return (await host.Runner.MeasureAllAsync([check], AnalysisHost.Namespace, shadowing, CancellationToken.None)).Single();
    }
}
