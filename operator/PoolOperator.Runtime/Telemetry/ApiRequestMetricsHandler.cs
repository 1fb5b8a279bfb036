using System.Globalization;

namespace PoolOperator.Runtime.Telemetry;

/// <summary>Counts every request the Kubernetes client sends, by verb (as the apiserver's audit log names them) and response code.</summary>
internal sealed class ApiRequestMetricsHandler(RuntimeMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var verb = VerbOf(request);
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            metrics.ApiRequest(verb, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            return response;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.ApiRequest(verb, "error");
            throw;
        }
    }

    internal static string VerbOf(HttpRequestMessage request)
    {
        var method = request.Method.Method;
        if (method != "GET")
        {
            return method switch
            {
                "POST" => "create",
                "PUT" => "update",
                "PATCH" => "patch",
                "DELETE" => "delete",
                _ => method.ToLowerInvariant(),
            };
        }

        var query = request.RequestUri?.Query ?? "";
        if (query.Contains("watch=true", StringComparison.Ordinal) || query.Contains("watch=1", StringComparison.Ordinal))
        {
            return "watch";
        }

        // After the version: [namespaces/NS/]RESOURCE[/NAME[/SUBRESOURCE]]; a path that ends at the resource is a list.
        var segments = (request.RequestUri?.AbsolutePath ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var rest = segments.AsSpan(segments.Length > 0 && segments[0] == "api" ? Math.Min(2, segments.Length) : Math.Min(3, segments.Length));
        if (rest.Length >= 3 && rest[0] == "namespaces")
        {
            rest = rest[2..];
        }

        return rest.Length == 1 ? "list" : "get";
    }
}
