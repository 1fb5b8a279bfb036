using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PoolOperator.Benchmarks.Measurement;

/// <summary>
/// One Prometheus-like server on 127.0.0.1 per <see cref="HostileFault"/>, each counting the calls it receives, and
/// the other host the redirect points to, which counts the calls that followed it (there must be none).
/// </summary>
internal sealed class HostileProviders : IAsyncDisposable
{
    private const string Time = "1764540000.000";

    private readonly List<WebApplication> servers = [];
    private readonly Dictionary<HostileFault, Uri> addresses = [];
    private readonly ConcurrentDictionary<string, long> calls = new(StringComparer.Ordinal);
    private X509Certificate2? certificate;
    private long followedRedirects;

    private HostileProviders()
    {
    }

    /// <summary>Calls that reached the host the redirect points to.</summary>
    public long FollowedRedirects => Interlocked.Read(ref followedRedirects);

    public static async Task<HostileProviders> StartAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var providers = new HostileProviders();
        try
        {
            var elsewhere = await providers.ServeAsync(null, null, context =>
            {
                Interlocked.Increment(ref providers.followedRedirects);
                return AnswerAsync(context, "application/json", $$$"""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[{{{Time}}},"0"]}]}}""");
            }, cancellationToken).ConfigureAwait(false);
            // Same port, another host name: following the redirect would mean trusting a host the check never named.
            var redirectTarget = new UriBuilder(elsewhere) { Host = "localhost", Path = "/api/v1/query" }.Uri.ToString();
            providers.certificate = SelfSignedCertificate(time.GetUtcNow());
            foreach (var fault in HostileFault.All)
            {
                RequestDelegate handle = fault.Name switch
                {
                    "trickle" => TrickleAsync,
                    "50mb" => context => PaddedAsync(context, 50L * 1024 * 1024),
                    "junk-json" => context => AnswerAsync(context, "application/json", """{"status": "success", "data": [1, 2"""),
                    "wrong-content-type" => context => AnswerAsync(context, "text/html", "<html><body>Sign in to continue</body></html>"),
                    "redirect" => context =>
                    {
                        context.Response.Redirect(redirectTarget + context.Request.QueryString);
                        return Task.CompletedTask;
                    }
                    ,
                    "tls" => context => AnswerAsync(context, "application/json", $$$"""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[{{{Time}}},"0"]}]}}"""),
                    "nan" => context => AnswerAsync(context, "application/json", $$$"""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[{{{Time}}},"NaN"]}]}}"""),
                    "matrix" => context => AnswerAsync(context, "application/json", $$$"""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[{{{Time}}},"0.001"],[{{{Time}}},"0.002"]]}]}}"""),
                    _ => throw new InvalidOperationException($"no server for the fault '{fault.Name}'"),
                };
                var counted = fault.Name;
                void Count() => providers.calls.AddOrUpdate(counted, 1, (_, n) => n + 1);
                // A failed handshake never becomes a request, so the TLS server counts connections; the others, requests.
                providers.addresses[fault] = fault == HostileFault.Tls
                    ? await providers.ServeAsync(providers.certificate, Count, handle, cancellationToken).ConfigureAwait(false)
                    : await providers.ServeAsync(null, null, context =>
                    {
                        Count();
                        return handle(context);
                    }, cancellationToken).ConfigureAwait(false);
            }

            return providers;
        }
        catch
        {
            await providers.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The address to put in a Prometheus check's <c>address</c> to face <paramref name="fault"/>.</summary>
    public Uri Address(HostileFault fault) => addresses[fault];

    /// <summary>Calls received so far, per fault name (connections for <see cref="HostileFault.Tls"/>).</summary>
    public IReadOnlyDictionary<string, long> Calls() => HostileFault.All.ToDictionary(f => f.Name, f => calls.GetValueOrDefault(f.Name), StringComparer.Ordinal);

    public async ValueTask DisposeAsync()
    {
        foreach (var server in servers)
        {
            // Endless answers end when their connection is aborted; a bounded stop does that.
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await server.StopAsync(stopping.Token).ConfigureAwait(false);
            await server.DisposeAsync().ConfigureAwait(false);
        }

        certificate?.Dispose();
    }

    private static async Task TrickleAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        try
        {
            await context.Response.WriteAsync("{\"status\":\"success\",", context.RequestAborted).ConfigureAwait(false);
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.WriteAsync(" ", context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                await Task.Delay(100, context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller gave up at its timeout: the answer was never meant to end.
        }
    }

    /// <summary>A valid start of a Prometheus answer, then <paramref name="size"/> bytes of padding from one reused buffer.</summary>
    private static async Task PaddedAsync(HttpContext context, long size)
    {
        context.Response.ContentType = "application/json";
        var chunk = Encoding.ASCII.GetBytes(new string(' ', 64 * 1024));
        try
        {
            await context.Response.WriteAsync("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[", context.RequestAborted).ConfigureAwait(false);
            for (long written = 0; written < size; written += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller stopped reading at its cap and closed the connection.
        }
    }

    private static Task AnswerAsync(HttpContext context, string contentType, string body)
    {
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>A certificate for 127.0.0.1 that no one trusts: the operator's TLS handshake must fail.</summary>
    private static X509Certificate2 SelfSignedCertificate(DateTimeOffset now)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        // Kestrel wants a certificate whose key outlives the RSA object; a PKCS#12 round trip gives it one.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    private async Task<Uri> ServeAsync(X509Certificate2? tls, Action? onConnection, RequestDelegate handle, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (onConnection is not null)
            {
                listen.Use(next => connection =>
                {
                    onConnection();
                    return next(connection);
                });
            }

            if (tls is not null)
            {
                listen.UseHttps(tls);
            }
        }));
        var app = builder.Build();
        app.Run(handle);
        servers.Add(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
    }
}
