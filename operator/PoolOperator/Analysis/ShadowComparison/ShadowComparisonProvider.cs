using System.Globalization;
using Microsoft.Extensions.Options;
using PoolOperator.Analysis.Prometheus;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Analysis.ShadowComparison;

/// <summary>
/// Measures the share of the client SDK's shadow comparisons that mismatched for this migration, over the check's
/// window, with two Prometheus queries at one instant (<see cref="ShadowComparisonQueries"/>). Fewer comparisons than
/// <c>minComparisons</c> is inconclusive. A stage that copies no traffic to V2 produces no comparisons, so there the
/// check is not judged and reports a pass without a value.
/// </summary>
internal sealed class ShadowComparisonProvider(
    AnalysisHttpClients httpClients,
    AnalysisResilience resilience,
    CredentialResolver credentialResolver,
    IOptions<AnalysisOptions> options,
    TimeProvider timeProvider,
    ILogger<ShadowComparisonProvider> logger) : IAnalysisProvider
{
    private readonly PrometheusQueryClient prometheus = new(httpClients, resilience, credentialResolver, options);

    public IAnalysisProviderDescriptor Descriptor => ShadowComparisonDescriptor.Instance;

    public async Task<Measurement> MeasureAsync(AnalysisCheck check, string @namespace, MeasurementContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        var at = timeProvider.GetUtcNow();
        Measurement Inconclusive(string message) => new(check.Name, Verdict.Inconclusive, null, null, message, at);

        if (check.ShadowComparison is not { } spec)
        {
            return Inconclusive("check has no shadowComparison section");
        }

        if (ShadowComparisonDescriptor.Window(spec) is not { } window)
        {
            return Inconclusive($"shadowComparison.window \"{spec.Window}\" is not a duration longer than 0");
        }

        if (context.ShadowPercent <= 0)
        {
            return new(check.Name, Verdict.Pass, null, null,
                $"not judged: stage {context.Stage} copies no traffic to V2 (shadow 0%); judged only while V2 receives a shadow copy", at);
        }

        var (call, problem) = await prometheus.OpenAsync(Descriptor, check, spec.Prometheus?.Address, "shadowComparison.prometheus.address", @namespace, at, cancellationToken)
            .ConfigureAwait(false);
        if (call is null)
        {
            return Inconclusive(problem!);
        }

        Measurement measurement;
        try
        {
            measurement = await MeasureAsync(check, spec, spec.MaxMismatchRatio, window, context, call, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            measurement = Inconclusive($"unexpected {e.GetType().Name}: {e.Message}");
        }

        measurement = measurement with { Message = call.Credentials.Redact(measurement.Message) };
        logger.LogDebug("Check {Check} in {Namespace}: {Verdict} ({Message})", check.Name, @namespace, measurement.Verdict, measurement.Message);
        return measurement;
    }

    private async Task<Measurement> MeasureAsync(
        AnalysisCheck check, ShadowComparisonCheck spec, double maxRatio, TimeSpan window, MeasurementContext context, PrometheusQueryCall call, CancellationToken cancellationToken)
    {
        Measurement Result(Verdict verdict, double? value, string message) => new(check.Name, verdict, value, null, message, call.EvaluationTime);

        // Both counts at one evaluation instant, so the ratio is taken over one window.
        var comparisonsTask = prometheus.QueryAsync(call, ShadowComparisonQueries.Comparisons(context.Namespace, context.Migration, window), cancellationToken);
        var mismatchesTask = prometheus.QueryAsync(call, ShadowComparisonQueries.Mismatches(context.Namespace, context.Migration, window), cancellationToken);
        var comparisons = await comparisonsTask.ConfigureAwait(false);
        var mismatches = await mismatchesTask.ConfigureAwait(false);
        if ((comparisons.Problem ?? mismatches.Problem) is { } problem)
        {
            return Result(Verdict.Inconclusive, null, problem);
        }

        if (comparisons.Value is not { } total || !double.IsFinite(total) || mismatches.Value is not { } mismatched || !double.IsFinite(mismatched))
        {
            return Result(Verdict.Inconclusive, null, "the comparison counts are not numbers");
        }

        var windowText = spec.Window ?? ShadowComparisonQueries.DefaultWindow;
        var minimum = spec.MinComparisons ?? ShadowComparisonQueries.DefaultMinComparisons;
        if (total < minimum)
        {
            return Result(Verdict.Inconclusive, null,
                $"{Count(total)} shadow comparisons in the last {windowText}, fewer than minComparisons {minimum}: too few to judge");
        }

        // increase() extrapolates each series on its own, so the mismatches may come out a hair above the total.
        var ratio = Math.Clamp(mismatched / total, 0, 1);
        var passes = ratio <= maxRatio;
        return Result(passes ? Verdict.Pass : Verdict.Fail, ratio,
            $"mismatch ratio {CheckEvaluator.Format(ratio)} ({Count(mismatched)} of {Count(total)} shadow comparisons in the last {windowText}) "
            + $"{(passes ? "<=" : ">")} maxMismatchRatio {CheckEvaluator.Format(maxRatio)}");
    }

    private static string Count(double count) => Math.Round(count).ToString("0", CultureInfo.InvariantCulture);
}
