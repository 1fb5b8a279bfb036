using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Analysis.Prometheus;

/// <summary>Measures a check with a Prometheus instant query, and for comparative checks a baseline query at the same instant.</summary>
internal sealed class PrometheusProvider(
    AnalysisHttpClients httpClients,
    AnalysisResilience resilience,
    CredentialResolver credentialResolver,
    IOptions<AnalysisOptions> options,
    TimeProvider timeProvider,
    ILogger<PrometheusProvider> logger) : IAnalysisProvider
{
    // A one-series answer is a few hundred bytes; more than this means the query selects far too many series.
    private const int MaxResponseBytes = 1024 * 1024;

    private static readonly AnalysisResilience.Policy Policy = new("prometheus", IsTransient, IsTransient);

    public IAnalysisProviderDescriptor Descriptor => PrometheusDescriptor.Instance;

    public async Task<Measurement> MeasureAsync(AnalysisCheck check, string @namespace, MeasurementContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        var at = timeProvider.GetUtcNow();
        Measurement Inconclusive(string message) => CheckEvaluator.Evaluate(check, null, null, message, at);

        if (check.Prometheus is not { } spec)
        {
            return Inconclusive("check has no prometheus section");
        }

        if (string.IsNullOrWhiteSpace(spec.Query))
        {
            return Inconclusive("prometheus.query is empty");
        }

        var settings = options.Value;
        var addressText = string.IsNullOrWhiteSpace(spec.Address) ? settings.DefaultPrometheusAddress : spec.Address;
        if (string.IsNullOrWhiteSpace(addressText))
        {
            return Inconclusive("no Prometheus address: set prometheus.address or the operator's Analysis:DefaultPrometheusAddress");
        }

        if (EndpointAddress.Parse(addressText) is not { } baseUri)
        {
            return Inconclusive($"Prometheus address '{addressText}' is not an absolute http(s) URL");
        }

        var resolution = await credentialResolver.ResolveAsync(@namespace, Descriptor.Credentials(check), cancellationToken).ConfigureAwait(false);
        if (resolution.Credentials is not { } credentials)
        {
            return Inconclusive(resolution.Problem!);
        }

        var budget = CheckBudget.For(Descriptor, check, settings);
        var query = new QueryCall(
            baseUri,
            EndpointAddress.Of(baseUri),
            credentials,
            at,
            at + budget,
            // Split the budget so a stuck connection still leaves time for a retry on a fresh one.
            TimeSpan.FromTicks(Math.Max(Math.Min(TimeSpan.TicksPerSecond, budget.Ticks), budget.Ticks / (settings.RetryCount + 1))));

        Measurement measurement;
        try
        {
            measurement = await MeasureAsync(check, spec, query, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            measurement = Inconclusive($"unexpected {e.GetType().Name}: {e.Message}");
        }

        measurement = measurement with { Message = credentials.Redact(measurement.Message) };
        logger.LogDebug("Check {Check} in {Namespace}: {Verdict} ({Message})", check.Name, @namespace, measurement.Verdict, measurement.Message);
        return measurement;
    }

    private async Task<Measurement> MeasureAsync(AnalysisCheck check, PrometheusCheck spec, QueryCall call, CancellationToken cancellationToken)
    {
        // Both queries run at the same evaluation timestamp so V2 and V1 are compared over the same window.
        var valueTask = QueryAsync(call, spec.Query, cancellationToken);
        var baselineTask = string.IsNullOrWhiteSpace(spec.BaselineQuery) ? null : QueryAsync(call, spec.BaselineQuery, cancellationToken);
        var value = await valueTask.ConfigureAwait(false);
        var baseline = baselineTask is null ? null : await baselineTask.ConfigureAwait(false);

        if (value.Problem is not null)
        {
            return CheckEvaluator.Evaluate(check, null, baseline?.Value, value.Problem, call.EvaluationTime);
        }

        var noBaselineReason = string.IsNullOrEmpty(spec.BaselineQuery) ? "maxRatio/maxDelta need a baseline: set prometheus.baselineQuery" : null;
        var measurement = CheckEvaluator.Evaluate(check, value.Value, baseline?.Value, null, call.EvaluationTime, noBaselineReason);

        // A violated min/max stays a failure even without a baseline; only an otherwise undecided result
        // reports why the baseline is missing.
        return baseline?.Problem is { } baselineProblem && measurement.Verdict == Verdict.Inconclusive
            ? measurement with { Message = $"baseline query: {baselineProblem}" }
            : measurement;
    }

    private async Task<PrometheusQueryResult> QueryAsync(QueryCall call, string query, CancellationToken cancellationToken)
    {
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

    private async Task<HttpAttemptResult> SendAsync(QueryCall call, string query, CancellationToken cancellationToken)
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

    private sealed record QueryCall(
        Uri BaseUri, string Address, ResolvedCredentials Credentials, DateTimeOffset EvaluationTime, DateTimeOffset Deadline, TimeSpan AttemptTimeout);
}
