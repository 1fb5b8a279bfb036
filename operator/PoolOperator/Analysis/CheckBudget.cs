using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Analysis;

internal static class CheckBudget
{
    /// <summary>How long one measurement of the check by <paramref name="provider"/> may take, retries included.</summary>
    public static TimeSpan For(IAnalysisProviderDescriptor provider, AnalysisCheck check, AnalysisOptions options)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(options);
        var seconds = provider.TimeoutSeconds(check);
        return seconds is > 0 ? TimeSpan.FromSeconds(seconds.Value) : options.DefaultTimeout;
    }
}
