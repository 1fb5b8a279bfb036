using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Analysis.Prometheus;

/// <summary>
/// Instant queries against the Prometheus HTTP API for the providers that read Prometheus: the address and
/// credentials resolved once per measurement, retries and the per-address circuit through <see cref="AnalysisResilience"/>,
/// and every problem turned into a reason instead of an exception.
/// </summary>
internal sealed class PrometheusQueryClient(
    AnalysisHttpClients httpClients,
    AnalysisResilience resilience,
    CredentialResolver credentialResolver,
    IOptions<AnalysisOptions> options)
{
    // A one-series answer is a few hundred bytes; more than this means the query selects far too many series.
    private const int MaxResponseBytes = 1024 * 1024;

    private static readonly AnalysisResilience.Policy Policy = new("prometheus", IsTransient, IsTransient);

    /// <summary>
    /// Resolves the address (<paramref name="address"/>, else the operator's default) and the check's credentials, and
    /// fixes the evaluation instant <paramref name="at"/> and the budget. <paramref name="addressField"/> names the field
    /// in messages, e.g. <c>prometheus.address</c>.
    /// </summary>
    public async Task<(PrometheusQueryCall? Call, string? Problem)> OpenAsync(
        IAnalysisProviderDescriptor descriptor, AnalysisCheck check, string? address, string addressField, string @namespace, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(check);
        var settings = options.Value;
        var addressText = string.IsNullOrWhiteSpace(address) ? settings.DefaultPrometheusAddress : address;
        if (string.IsNullOrWhiteSpace(addressText))
        {
            return (null, $"no Prometheus address: set {addressField} or the operator's Analysis:DefaultPrometheusAddress");
        }

        if (EndpointAddress.Parse(addressText) is not { } baseUri)
        {
            return (null, $"Prometheus address '{addressText}' is not an absolute http(s) URL");
        }

        var resolution = await credentialResolver.ResolveAsync(@namespace, descriptor.Credentials(check), cancellationToken).ConfigureAwait(false);
        if (resolution.Credentials is not { } credentials)
        {
            return (null, resolution.Problem!);
        }

        var budget = CheckBudget.For(descriptor, check, settings);
        return (new PrometheusQueryCall(
            baseUri,
            EndpointAddress.Of(baseUri),
            credentials,
            at,
            at + budget,
            // Split the budget so a stuck connection still leaves time for a retry on a fresh one.
            TimeSpan.FromTicks(Math.Max(Math.Min(TimeSpan.TicksPerSecond, budget.Ticks), budget.Ticks / (settings.RetryCount + 1)))), null);
    }

    /// <summary>Runs one instant query at the call's evaluation instant. Throws only on cancellation of <paramref name="cancellationToken"/>.</summary>
    public async Task<PrometheusQueryResult> QueryAsync(PrometheusQueryCall call, string query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        HttpAttemptResult response;
        try
        {
            response = await resilience.ExecuteAsync(
                Policy,
                call.Address,
                call.Deadline,
                call.AttemptTimeout,
                attemptToken => SendAsync(call, query, attemptToken),
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (BrokenCircuitException)
        {
            return PrometheusQueryResult.NoNumber($"circuit open for {call.Address}");
        }
        catch (TimeoutRejectedException)
        {
            return PrometheusQueryResult.NoNumber($"Prometheus at {call.Address} did not answer in time (timeout {Seconds(call.Deadline - call.EvaluationTime)})");
        }
        catch (HttpRequestException e)
        {
            return PrometheusQueryResult.NoNumber($"cannot reach Prometheus at {call.Address}: {e.Message}");
        }

        return PrometheusResponseParser.Parse(response);
    }

    private async Task<HttpAttemptResult> SendAsync(PrometheusQueryCall call, string query, CancellationToken cancellationToken)
    {
        var client = httpClients.Create(call.Credentials.Ca);
        var uri = new Uri(call.BaseUri.AbsoluteUri.TrimEnd('/') + "/api/v1/query");
        var parameters = new Dictionary<string, string>
        {
            ["query"] = query,
            ["time"] = (call.EvaluationTime.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", CultureInfo.InvariantCulture),

            // Lets Prometheus stop evaluating a query nobody waits for any more.
            ["timeout"] = call.AttemptTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture),
        };

        // POST keeps long PromQL out of URLs and access logs; fall back to GET for proxies that only allow reads.
        var result = await SendOnceAsync(client, HttpMethod.Post, uri, parameters, call.Credentials, cancellationToken).ConfigureAwait(false);
        if (result.StatusCode == (int)HttpStatusCode.MethodNotAllowed)
        {
            result = await SendOnceAsync(client, HttpMethod.Get, uri, parameters, call.Credentials, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private static async Task<HttpAttemptResult> SendOnceAsync(
        HttpClient client, HttpMethod method, Uri uri, Dictionary<string, string> parameters, ResolvedCredentials credentials, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent(parameters);
        using var request = method == HttpMethod.Post
            ? new HttpRequestMessage(method, uri) { Content = content }
            : new HttpRequestMessage(method, new UriBuilder(uri) { Query = await content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false) }.Uri);
        request.Headers.Authorization = credentials.Authorization;
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        return await HttpAttemptResult.ReadAsync(response, MaxResponseBytes, cancellationToken).ConfigureAwait(false);
    }

    // 4xx and TLS failures mean the query, the credentials or the CA are wrong: asking again will not change the
    // answer, and counting them would let one misconfigured check open the circuit for every check on that address.
    private static bool IsTransient(Outcome<HttpAttemptResult> outcome) => outcome.Exception switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => false,
        HttpRequestException or TimeoutRejectedException => true,
        null => outcome.Result is { StatusCode: >= 500 },
        _ => false,
    };

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s";
}
