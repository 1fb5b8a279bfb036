using System.Diagnostics;
using PoolOperator.Analysis;
using PoolOperator.Core;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Analysis;

[Collection(PrometheusCollection.Name)]
public sealed class PrometheusAnalysisTests(PrometheusFixture prometheus, ITestOutputHelper output)
{
    private static readonly double[] Buckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5];

    // Real dashboards use rate(...[5m]); the exporter's counters do not move, so the quantile is taken over all observations.
    private static string P99(string version) =>
        $"histogram_quantile(0.99, sum by (le) (app_request_duration_seconds_bucket{{version=\"{version}\"}}))";

    [Fact]
    public async Task Value_within_max_passes_and_above_max_fails()
    {
        await using var host = new AnalysisHost();
        var check = AnalysisHost.Prometheus(prometheus.Address, "max(test_error_ratio{version=\"v2\"})", max: 0.01);

        prometheus.Exporter.Set("test_error_ratio", "version=\"v2\"", 0.004);
        await prometheus.WaitForScrapeAsync();
        var healthy = await host.MeasureAsync(check);

        prometheus.Exporter.Set("test_error_ratio", "version=\"v2\"", 0.05);
        await prometheus.WaitForScrapeAsync();
        var failing = await host.MeasureAsync(check);

        Assert.Equal(Verdict.Pass, healthy.Verdict);
        Assert.Equal(0.004, healthy.Value);
        Assert.Equal(Verdict.Fail, failing.Verdict);
        Assert.Equal(0.05, failing.Value);
        Assert.Equal("value 0.05 > max 0.01", failing.Message);
    }

    [Fact]
    public async Task Query_without_data_is_inconclusive()
    {
        await using var host = new AnalysisHost();

        var measurement = await host.MeasureAsync(AnalysisHost.Prometheus(prometheus.Address, "test_error_ratio{version=\"v9\"}", max: 0.01));

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.Equal("query returned no data", measurement.Message);
    }

    [Fact]
    public async Task Several_series_are_inconclusive()
    {
        await using var host = new AnalysisHost();
        prometheus.Exporter.Set("test_error_ratio", "version=\"v1\"", 0.001);
        prometheus.Exporter.Set("test_error_ratio", "version=\"v2\"", 0.001);
        await prometheus.WaitForScrapeAsync();

        var measurement = await host.MeasureAsync(AnalysisHost.Prometheus(prometheus.Address, "test_error_ratio", max: 0.01));

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.StartsWith("query returned 2 series; expected 1", measurement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_promql_is_inconclusive_with_prometheus_error()
    {
        await using var host = new AnalysisHost();

        var measurement = await host.MeasureAsync(AnalysisHost.Prometheus(prometheus.Address, "sum(rate(x[1m]", max: 1));

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.StartsWith("query failed (bad_data):", measurement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task V2_latency_is_judged_against_V1()
    {
        await using var host = new AnalysisHost();
        var check = AnalysisHost.Prometheus(prometheus.Address, P99("v2"), baselineQuery: P99("v1"), maxRatio: 1.2);
        prometheus.Exporter.SetHistogram("app_request_duration_seconds", "version=\"v1\"", Buckets, Repeat(0.2, 100));

        prometheus.Exporter.SetHistogram("app_request_duration_seconds", "version=\"v2\"", Buckets, Repeat(0.2, 150));
        await prometheus.WaitForScrapeAsync();
        var similar = await host.MeasureAsync(check);

        prometheus.Exporter.SetHistogram("app_request_duration_seconds", "version=\"v2\"", Buckets, Repeat(0.4, 150));
        await prometheus.WaitForScrapeAsync();
        var twiceAsSlow = await host.MeasureAsync(check);

        Assert.Equal(Verdict.Pass, similar.Verdict);
        Assert.Equal(similar.Baseline!.Value, similar.Value!.Value, 6);
        Assert.Equal(Verdict.Fail, twiceAsSlow.Verdict);
        Assert.Equal(2.0, twiceAsSlow.Value!.Value / twiceAsSlow.Baseline!.Value, 2);
        Assert.StartsWith("ratio 2", twiceAsSlow.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dead_prometheus_is_inconclusive_opens_the_circuit_and_recovers_after_restart()
    {
        await using var host = new AnalysisHost(new()
        {
            ["RetryCount"] = "0",
            ["BreakerMinimumThroughput"] = "2",
            ["BreakerFailureRatio"] = "0.5",
            ["BreakerSamplingDuration"] = "00:00:30",
            ["BreakerBreakDuration"] = "00:00:02",
        });
        prometheus.Exporter.Set("test_error_ratio", "version=\"v2\"", 0.001);
        await prometheus.WaitForScrapeAsync();
        var check = AnalysisHost.Prometheus(prometheus.Address, "max(test_error_ratio{version=\"v2\"})", max: 0.01);
        var address = $"http://127.0.0.1:{prometheus.Address.Port}";
        Assert.Equal(Verdict.Pass, (await host.MeasureAsync(check)).Verdict);

        var seen = new List<Measurement>();
        try
        {
            await prometheus.StopAsync();
            var down = await host.MeasureAsync(check);
            seen.Add(down);
            var open = await PollAsync(host, check, m => m.Message == $"circuit open for {address}", seen);
            var timer = Stopwatch.StartNew();
            var whileOpen = await host.MeasureAsync(check);
            var openLatency = timer.Elapsed;

            Assert.Equal(Verdict.Inconclusive, down.Verdict);
            Assert.StartsWith($"cannot reach Prometheus at {address}", down.Message, StringComparison.Ordinal);
            Assert.Equal(Verdict.Inconclusive, open.Verdict);
            Assert.Equal($"circuit open for {address}", whileOpen.Message);
            output.WriteLine($"an open circuit answered after {openLatency.TotalMilliseconds:F0} ms (bound 3 s)");
            Assert.True(openLatency < TimeSpan.FromSeconds(3), $"an open circuit answered after {openLatency}");
        }
        finally
        {
            await prometheus.StartAsync();
        }

        var recovered = await PollAsync(host, check, m => m.Verdict == Verdict.Pass, seen);

        Assert.Equal(0.001, recovered.Value);
        Assert.DoesNotContain(seen, m => m.Verdict == Verdict.Fail);
    }

    private static async Task<Measurement> PollAsync(AnalysisHost host, PoolOperator.Api.V1Alpha1.AnalysisCheck check, Func<Measurement, bool> until, List<Measurement> seen)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var measurement = await host.MeasureAsync(check);
            seen.Add(measurement);
            if (until(measurement))
            {
                return measurement;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"condition not met; last: {measurement.Verdict} {measurement.Message}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private static double[] Repeat(double value, int count) => Enumerable.Repeat(value, count).ToArray();
}
