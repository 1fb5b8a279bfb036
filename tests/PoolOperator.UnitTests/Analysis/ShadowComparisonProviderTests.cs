using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Analysis.AnalysisTestKit;

namespace PoolOperator.UnitTests.Analysis;

public sealed class ShadowComparisonProviderTests
{
    private const string Comparisons =
        """sum(increase(poolmigration_shadow_comparisons_total{migration="shop/session-pool"}[300s])) or vector(0)""";

    private const string Mismatches =
        """sum(increase(poolmigration_shadow_comparisons_total{migration="shop/session-pool",outcome="mismatch"}[300s])) or vector(0)""";

    private static readonly MeasurementContext Shadowing = new(Namespace, "session-pool", "shadow", 0, "Shadowing", 100);

    [Fact]
    public async Task Runs_the_documented_queries_at_one_instant_against_the_configured_prometheus()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T10:00:00Z", CultureInfo.InvariantCulture));
        var handler = Counts(comparisons: "1000", mismatches: "2");
        var check = Check(maxMismatchRatio: 0.01);
        check.ShadowComparison!.Prometheus = new PrometheusEndpoint { Address = "http://prometheus.monitoring:9090" };

        await ShadowComparison(handler, time: time).MeasureAsync(check, Namespace, Shadowing, CancellationToken.None);

        var requests = handler.Requests.ToList();
        Assert.Equal(new[] { Comparisons, Mismatches }.Order(StringComparer.Ordinal), requests.Select(r => r.Parameter("query")).Order(StringComparer.Ordinal));
        Assert.All(requests, r => Assert.Equal("http://prometheus.monitoring:9090/api/v1/query", r.Uri.GetLeftPart(UriPartial.Path)));
        Assert.All(requests, r => Assert.Equal("1796032800.000", r.Parameter("time")));
    }

    [Fact]
    public async Task The_window_is_sent_in_seconds_whatever_its_spelling()
    {
        var handler = Counts("1000", "0");
        var check = Check(maxMismatchRatio: 0.01, window: "1h30m");

        await ShadowComparison(handler).MeasureAsync(check, Namespace, Shadowing, CancellationToken.None);

        Assert.All(handler.Requests, r => Assert.Contains("[5400s]", r.Parameter("query"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_ratio_at_or_under_the_maximum_passes_with_the_counts_in_the_message()
    {
        var measurement = await ShadowComparison(Counts("1000", "10")).MeasureAsync(Check(maxMismatchRatio: 0.01), Namespace, Shadowing, CancellationToken.None);

        Assert.Equal(Verdict.Pass, measurement.Verdict);
        Assert.Equal(0.01, measurement.Value);
        Assert.Null(measurement.Baseline);
        Assert.Equal("mismatch ratio 0.01 (10 of 1000 shadow comparisons in the last 5m) <= maxMismatchRatio 0.01", measurement.Message);
    }

    [Fact]
    public async Task A_ratio_over_the_maximum_fails()
    {
        var measurement = await ShadowComparison(Counts("999.6", "250.3")).MeasureAsync(Check(maxMismatchRatio: 0.01), Namespace, Shadowing, CancellationToken.None);

        Assert.Equal(Verdict.Fail, measurement.Verdict);
        Assert.Equal(250.3 / 999.6, measurement.Value!.Value, 10);
        Assert.Equal("mismatch ratio 0.2504 (250 of 1000 shadow comparisons in the last 5m) > maxMismatchRatio 0.01", measurement.Message);
    }

    [Fact]
    public async Task Zero_tolerance_passes_only_without_mismatches()
    {
        var agreeing = await ShadowComparison(Counts("200", "0")).MeasureAsync(Check(maxMismatchRatio: 0), Namespace, Shadowing, CancellationToken.None);
        var one = await ShadowComparison(Counts("200", "1")).MeasureAsync(Check(maxMismatchRatio: 0), Namespace, Shadowing, CancellationToken.None);

        Assert.Equal(Verdict.Pass, agreeing.Verdict);
        Assert.Equal(Verdict.Fail, one.Verdict);
    }

    [Theory]
    [InlineData("0", "0", null, "0 shadow comparisons in the last 5m, fewer than minComparisons 100: too few to judge")]
    [InlineData("99.4", "99.4", null, "99 shadow comparisons in the last 5m, fewer than minComparisons 100: too few to judge")]
    [InlineData("40", "0", 50, "40 shadow comparisons in the last 5m, fewer than minComparisons 50: too few to judge")]
    public async Task Too_few_comparisons_are_inconclusive_never_a_pass(string comparisons, string mismatches, int? minComparisons, string message)
    {
        var check = Check(maxMismatchRatio: 1, minComparisons: minComparisons);

        var measurement = await ShadowComparison(Counts(comparisons, mismatches)).MeasureAsync(check, Namespace, Shadowing, CancellationToken.None);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.Null(measurement.Value);
        Assert.Equal(message, measurement.Message);
    }

    [Fact]
    public async Task A_stage_that_shadows_nothing_is_not_judged_and_asks_prometheus_nothing()
    {
        var handler = Counts("1000", "1000");
        var weighted = new MeasurementContext(Namespace, "session-pool", "canary-25", 25, "Progressing", 0);

        var measurement = await ShadowComparison(handler).MeasureAsync(Check(maxMismatchRatio: 0.01), Namespace, weighted, CancellationToken.None);

        Assert.Equal(Verdict.Pass, measurement.Verdict);
        Assert.Null(measurement.Value);
        Assert.Equal("not judged: stage canary-25 copies no traffic to V2 (shadow 0%); judged only while V2 receives a shadow copy", measurement.Message);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task An_unusable_answer_is_inconclusive_with_the_reason()
    {
        var handler = StubHttpMessageHandler.Json("""{"status":"error","errorType":"bad_data","error":"parse error"}""", HttpStatusCode.BadRequest);

        var measurement = await ShadowComparison(handler).MeasureAsync(Check(maxMismatchRatio: 0.01), Namespace, Shadowing, CancellationToken.None);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.Equal("query failed (bad_data): parse error", measurement.Message);
    }

    [Fact]
    public async Task Without_any_address_it_is_inconclusive_and_names_the_field()
    {
        var measurement = await ShadowComparison(Counts("1000", "0"), FastOptions() with { DefaultPrometheusAddress = null })
            .MeasureAsync(Check(maxMismatchRatio: 0.01), Namespace, Shadowing, CancellationToken.None);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.Equal("no Prometheus address: set shadowComparison.prometheus.address or the operator's Analysis:DefaultPrometheusAddress", measurement.Message);
    }

    [Fact]
    public async Task Bearer_token_is_sent_and_never_appears_in_the_message()
    {
        const string token = "s3cr3t-token-value-42";
        var secrets = new InMemorySecretSource();
        secrets.SetSecret(Namespace, "prom-token", ("token", token));
        var handler = new StubHttpMessageHandler(request => new HttpResponseMessage(HttpStatusCode.Forbidden) { Content = new StringContent($"forbidden: {request.Authorization}") });
        var check = Check(maxMismatchRatio: 0.01);
        check.ShadowComparison!.Prometheus = new PrometheusEndpoint { BearerTokenSecretRef = new SecretKeyReference { Name = "prom-token", Key = "token" } };

        var measurement = await ShadowComparison(handler, secrets: secrets).MeasureAsync(check, Namespace, Shadowing, CancellationToken.None);

        Assert.All(handler.Requests, r => Assert.Equal($"Bearer {token}", r.Authorization));
        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.StartsWith("Prometheus answered 403", measurement.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token, measurement.Message, StringComparison.Ordinal);
    }

    private static AnalysisCheck Check(double maxMismatchRatio, int? minComparisons = null, string? window = null) => new()
    {
        Name = "shadow-agreement",
        ShadowComparison = new ShadowComparisonCheck { MaxMismatchRatio = maxMismatchRatio, MinComparisons = minComparisons, Window = window },
    };

    /// <summary>Prometheus answering the comparisons query with one count and the mismatches query with the other.</summary>
    private static StubHttpMessageHandler Counts(string comparisons, string mismatches) =>
        new(request => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(
                Vector(request.Parameter("query")!.Contains("outcome=\"mismatch\"", StringComparison.Ordinal) ? mismatches : comparisons),
                Encoding.UTF8,
                "application/json"),
        });
}
