using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Analysis;

internal static class CheckBudget
{
    /// <summary>How long one measurement of the check may take, retries included.</summary>
    public static TimeSpan For(AnalysisCheck check, AnalysisOptions options)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(options);
        var seconds = check.Prometheus?.TimeoutSeconds ?? check.Webhook?.TimeoutSeconds;
        return seconds is > 0 ? TimeSpan.FromSeconds(seconds.Value) : options.DefaultTimeout;
    }
}
