using Microsoft.Extensions.Options;
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
    private readonly PrometheusQueryClient prometheus = new(httpClients, resilience, credentialResolver, options);

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

        var (query, problem) = await prometheus.OpenAsync(Descriptor, check, spec.Address, "prometheus.address", @namespace, at, cancellationToken).ConfigureAwait(false);
        if (query is null)
        {
            return Inconclusive(problem!);
        }

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

        measurement = measurement with { Message = query.Credentials.Redact(measurement.Message) };
        logger.LogDebug("Check {Check} in {Namespace}: {Verdict} ({Message})", check.Name, @namespace, measurement.Verdict, measurement.Message);
        return measurement;
    }

    private async Task<Measurement> MeasureAsync(AnalysisCheck check, PrometheusCheck spec, PrometheusQueryCall call, CancellationToken cancellationToken)
    {
        // Both queries run at the same evaluation timestamp so V2 and V1 are compared over the same window.
        var valueTask = prometheus.QueryAsync(call, spec.Query, cancellationToken);
        var baselineTask = string.IsNullOrWhiteSpace(spec.BaselineQuery) ? null : prometheus.QueryAsync(call, spec.BaselineQuery, cancellationToken);
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
}
