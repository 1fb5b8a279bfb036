using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Analysis.Webhook;

/// <summary>
/// POSTs the migration's position to a URL: 2xx passes, any other answer fails, no answer is inconclusive.
/// </summary>
internal sealed class WebhookProvider(
    AnalysisHttpClients httpClients,
    AnalysisResilience resilience,
    CredentialResolver credentialResolver,
    IOptions<AnalysisOptions> options,
    TimeProvider timeProvider,
    ILogger<WebhookProvider> logger) : IAnalysisProvider
{
    // The message keeps 200 characters; the rest is read only to be discarded.
    private const int MaxResponseBytes = 4096;

    // A webhook may run a smoke test: only a request that never reached it (connect or DNS failure) is safe to send again.
    // Timeouts and transport errors still count against the address so a dead endpoint opens its circuit.
    private static readonly AnalysisResilience.Policy Policy = new("webhook", NeverReachedServer, IsTransportFailure);

    public IAnalysisProviderDescriptor Descriptor => WebhookDescriptor.Instance;

    public async Task<Measurement> MeasureAsync(AnalysisCheck check, string @namespace, MeasurementContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        var at = timeProvider.GetUtcNow();
        Measurement Result(Verdict verdict, string message) => new(check.Name, verdict, null, null, message, at);

        if (check.Webhook is not { } spec)
        {
            return Result(Verdict.Inconclusive, "check has no webhook section");
        }

        if (EndpointAddress.Parse(spec.Url) is not { } uri)
        {
            return Result(Verdict.Inconclusive, $"webhook url '{spec.Url}' is not an absolute http(s) URL");
        }

        var resolution = await credentialResolver.ResolveAsync(@namespace, Descriptor.Credentials(check), cancellationToken).ConfigureAwait(false);
        if (resolution.Credentials is not { } credentials)
        {
            return Result(Verdict.Inconclusive, resolution.Problem!);
        }

        var budget = CheckBudget.For(Descriptor, check, options.Value);
        var address = EndpointAddress.Of(uri);
        var payload = WebhookPayload.From(context);
        Measurement measurement;
        try
        {
            var response = await resilience.ExecuteAsync(
                Policy,
                address,
                at + budget,
                budget,
                attemptToken => SendAsync(uri, payload, credentials, attemptToken),
                cancellationToken).ConfigureAwait(false);
            // A redirect is where the webhook lives, not what it thinks of V2: inconclusive, like a wrong address.
            measurement = response.IsSuccess
                ? Result(Verdict.Pass, $"webhook answered {response.StatusCode} {response.ReasonPhrase}".TrimEnd())
                : response.IsRedirect
                    ? Result(Verdict.Inconclusive, response.RedirectMessage("webhook"))
                    : Result(Verdict.Fail, $"webhook answered {response.StatusCode} {response.ReasonPhrase}: {response.Snippet()}".TrimEnd(' ', ':'));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (BrokenCircuitException)
        {
            measurement = Result(Verdict.Inconclusive, $"circuit open for {address}");
        }
        catch (TimeoutRejectedException)
        {
            measurement = Result(Verdict.Inconclusive, $"webhook did not answer within {budget.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s");
        }
        catch (HttpRequestException e)
        {
            measurement = Result(Verdict.Inconclusive, $"cannot reach webhook at {address}: {e.Message}");
        }
        catch (Exception e)
        {
            measurement = Result(Verdict.Inconclusive, $"unexpected {e.GetType().Name}: {e.Message}");
        }

        measurement = measurement with { Message = credentials.Redact(measurement.Message) };
        logger.LogDebug("Check {Check} in {Namespace}: {Verdict} ({Message})", check.Name, @namespace, measurement.Verdict, measurement.Message);
        return measurement;
    }

    private async Task<HttpAttemptResult> SendAsync(Uri uri, WebhookPayload payload, ResolvedCredentials credentials, CancellationToken cancellationToken)
    {
        var client = httpClients.Create(credentials.Ca);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(payload, WebhookJsonContext.Default.WebhookPayload) };
        request.Headers.Authorization = credentials.Authorization;
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        return await HttpAttemptResult.ReadAsync(response, MaxResponseBytes, cancellationToken).ConfigureAwait(false);
    }

    private static bool NeverReachedServer(Outcome<HttpAttemptResult> outcome) =>
        outcome.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };

    // A TLS failure is this check's configuration, not the endpoint being down.
    private static bool IsTransportFailure(Outcome<HttpAttemptResult> outcome) => outcome.Exception switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => false,
        HttpRequestException or TimeoutRejectedException => true,
        _ => false,
    };
}
