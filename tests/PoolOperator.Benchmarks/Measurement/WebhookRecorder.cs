using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PoolOperator.Benchmarks.Measurement;

/// <summary>
/// A webhook check endpoint on 127.0.0.1 that passes (200) until told to fail (500), and records, per migration
/// named in the POST body, when each call arrived.
/// </summary>
internal sealed class WebhookRecorder : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly TimeProvider time;
    private readonly Dictionary<string, List<DateTimeOffset>> calls = new(StringComparer.Ordinal);
    private volatile bool failing;

    private WebhookRecorder(WebApplication app, TimeProvider time, Uri url)
    {
        this.app = app;
        this.time = time;
        Url = url;
    }

    /// <summary>The address to put in a check's <c>webhook.url</c>.</summary>
    public Uri Url { get; }

    /// <summary>From now on every call is answered 500: the check fails for every migration.</summary>
    public void StartFailing() => failing = true;

    public static async Task<WebhookRecorder> StartAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        WebhookRecorder? recorder = null;
        app.MapPost("/check", async (HttpRequest request) =>
        {
            var at = time.GetUtcNow();
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
            var ns = body.RootElement.TryGetProperty("namespace", out var n) ? n.GetString() : null;
            var migration = body.RootElement.TryGetProperty("migration", out var m) ? m.GetString() : null;
            recorder!.Record($"{ns}/{migration}", at);
            return recorder.failing ? Results.StatusCode(StatusCodes.Status500InternalServerError) : Results.Ok();
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        recorder = new WebhookRecorder(app, time, new Uri(new Uri(address), "/check"));
        return recorder;
    }

    /// <summary>Every call so far, per migration (<c>namespace/name</c>), in arrival order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<DateTimeOffset>> Calls()
    {
        lock (calls)
        {
            return calls.ToDictionary(c => c.Key, c => (IReadOnlyList<DateTimeOffset>)[.. c.Value], StringComparer.Ordinal);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private void Record(string migration, DateTimeOffset at)
    {
        lock (calls)
        {
            if (!calls.TryGetValue(migration, out var list))
            {
                list = [];
                calls[migration] = list;
            }

            list.Add(at);
        }
    }
}
