using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Metrics;
using PoolOperator.Runtime.Http;
using PoolOperator.Telemetry;
using Xunit;

namespace PoolOperator.UnitTests.Telemetry;

/// <summary>/metrics as a scraper sees it: OpenTelemetry's Prometheus exporter behind the operator's own HTTP server.</summary>
public sealed class PrometheusScrapeEndpointTests : IAsyncLifetime
{
    private readonly string meterName = $"scrape.test.{Guid.NewGuid():N}";
    private ServiceProvider services = null!;
    private EndpointServer server = null!;
    private Meter meter = null!;

    public async Task InitializeAsync()
    {
        var collection = new ServiceCollection();
        collection.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(meterName).AddPrometheusExporter());
        services = collection.BuildServiceProvider();
        meter = new Meter(meterName);
        server = new EndpointServer(
            [PrometheusScrapeEndpoint.Create(services)],
            new ConfigurationBuilder().AddInMemoryCollection([new("urls", "http://127.0.0.1:0")]).Build(),
            NullLogger<EndpointServer>.Instance);
        await server.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        meter.Dispose();
        await services.DisposeAsync();
    }

    [Fact]
    public async Task AScrapeGetsTheTextFormatWithCountersAsTotals()
    {
        var reconciles = meter.CreateCounter<long>("scrape.test.reconciles");
        reconciles.Add(3, new KeyValuePair<string, object?>("phase", "Shadow"));

        using var http = new HttpClient { BaseAddress = server.Addresses[0] };
        var response = await http.GetAsync(new Uri(PrometheusScrapeEndpoint.Path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Contains("# TYPE scrape_test_reconciles_total counter\n", text, StringComparison.Ordinal);
        Assert.Matches("""(?m)^scrape_test_reconciles_total\{[^}]*phase="Shadow"[^}]*\} 3( \d+)?$""", text);
    }

    [Fact]
    public async Task AScraperAskingForOpenMetricsGetsIt()
    {
        meter.CreateCounter<long>("scrape.test.requests").Add(1);

        using var http = new HttpClient { BaseAddress = server.Addresses[0] };
        using var request = new HttpRequestMessage(HttpMethod.Get, PrometheusScrapeEndpoint.Path);
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/openmetrics-text; version=1.0.0"));
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("application/openmetrics-text", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("# EOF\n", text, StringComparison.Ordinal);
    }
}
