using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PoolOperator.FaultSuite;

/// <summary>
/// What the migrations' checks talk to, on 127.0.0.1: <c>/metrics</c>, scraped by Prometheus, with each pool's V2
/// error ratio, and <c>/hang</c>, a webhook that accepts the request and never answers.
/// </summary>
internal sealed class AnalysisEndpoints : IAsyncDisposable
{
    public const string ErrorRatioMetric = "fault_pool_v2_error_ratio";

    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, double> errorRatios;
    private int hangingRequests;

    private AnalysisEndpoints(WebApplication app, ConcurrentDictionary<string, double> errorRatios)
    {
        this.app = app;
        this.errorRatios = errorRatios;
    }

    public Uri Address { get; private set; } = null!;

    public Uri HangingWebhook => new(Address, "/hang");

    /// <summary>Webhook calls that arrived and were never answered.</summary>
    public int HangingRequests => Volatile.Read(ref hangingRequests);

    /// <param name="errorRatios">Each pool's V2 error ratio, read at every scrape: the run may change one while it goes.</param>
    public static async Task<AnalysisEndpoints> StartAsync(ConcurrentDictionary<string, double> errorRatios, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var endpoints = new AnalysisEndpoints(app, errorRatios);
        app.MapGet("/metrics", endpoints.RenderMetrics);
        app.MapPost("/hang", endpoints.HangAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        endpoints.Address = new Uri(address);
        return endpoints;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private string RenderMetrics()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# TYPE {ErrorRatioMetric} gauge\n");
        foreach (var (pool, ratio) in errorRatios)
        {
            text.Append(CultureInfo.InvariantCulture, $"{ErrorRatioMetric}{{pool=\"{pool}\"}} {ratio}\n");
        }

        return text.ToString();
    }

    private async Task HangAsync(HttpContext context)
    {
        Interlocked.Increment(ref hangingRequests);
        try
        {
            // Holds the connection until the caller gives up, as a wedged smoke test would.
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
