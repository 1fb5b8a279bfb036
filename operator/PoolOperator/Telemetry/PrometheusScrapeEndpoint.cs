using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using PoolOperator.Runtime.Http;

namespace PoolOperator.Telemetry;

/// <summary>
/// /metrics, written by OpenTelemetry's own Prometheus exporter (text format, or OpenMetrics when the scraper asks for it)
/// and sent by the operator's <see cref="EndpointServer"/>: the exporter runs as the middleware it is, on a request
/// context of its own, without a web server.
/// </summary>
internal static class PrometheusScrapeEndpoint
{
    public const string Path = "/metrics";

    public static HttpEndpoint Create(IServiceProvider services)
    {
        var exporter = new ApplicationBuilder(services)
            .UseOpenTelemetryPrometheusScrapingEndpoint(
                services.GetRequiredService<MeterProvider>(), predicate: _ => true, path: null!, configureBranchedPipeline: null!, optionsName: null!)
            .Build();
        return new HttpEndpoint(Path, async (request, response, cancellationToken) =>
        {
            var context = new DefaultHttpContext { RequestAborted = cancellationToken };
            context.Request.Method = request.Method;
            context.Request.Path = Path;
            if (request.Header("Accept") is { } accept)
            {
                context.Request.Headers.Accept = accept;
            }

            context.Response.Body = new ForwardingBody(context.Response, response);
            await exporter(context).ConfigureAwait(false);
            if (!response.HasStarted)
            {
                CopyHead(context.Response, response);
            }
        });
    }

    private static void CopyHead(HttpResponse from, EndpointResponse to)
    {
        to.StatusCode = from.StatusCode;
        if (from.ContentType is { } contentType)
        {
            to.ContentType = contentType;
        }

        foreach (var (name, values) in from.Headers)
        {
            if (!string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                to.AddHeader(name, values.ToString());
            }
        }
    }

    /// <summary>Passes the exporter's status and headers on at its first write, then its writes as the body.</summary>
    private sealed class ForwardingBody(HttpResponse exporterResponse, EndpointResponse response) : WriteOnlyStream
    {
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!response.HasStarted)
            {
                CopyHead(exporterResponse, response);
            }

            await response.Body.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
    }
}
