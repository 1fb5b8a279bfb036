using System.Globalization;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Analysis.ShadowComparison;

/// <summary>
/// The <c>shadowComparison</c> section of a check: the mismatch ratio of the client SDK's shadow comparisons, read from
/// Prometheus and judged against <c>maxMismatchRatio</c> by the provider itself.
/// </summary>
internal sealed class ShadowComparisonDescriptor : AnalysisProviderDescriptor<ShadowComparisonCheck, ShadowComparisonProvider>
{
    public static ShadowComparisonDescriptor Instance { get; } = new();

    private ShadowComparisonDescriptor()
    {
    }

    public override string Name => "shadowComparison";

    public override string OwnVerdict => "passes when at most maxMismatchRatio of the shadow comparisons mismatched";

    public override string CredentialsPath => "shadowComparison.prometheus";

    public override ShadowComparisonCheck? SpecOf(AnalysisCheck check) => check?.ShadowComparison;

    /// <summary>The window the spec asks for, or the default; null when the spec's text is no positive duration.</summary>
    public static TimeSpan? Window(ShadowComparisonCheck spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return DurationParser.TryParseDuration(spec.Window ?? ShadowComparisonQueries.DefaultWindow, out var window) && window > TimeSpan.Zero
            ? window
            : null;
    }

    protected override int? TimeoutSecondsOf(ShadowComparisonCheck spec) => spec.Prometheus?.TimeoutSeconds;

    protected override CredentialReferences CredentialsOf(ShadowComparisonCheck spec) => spec.Prometheus is { } prometheus
        ? new(prometheus.BearerTokenSecretRef, prometheus.BasicAuthSecretRef, prometheus.CaSecretRef, prometheus.CaConfigMapRef)
        : CredentialReferences.None;

    protected override void Validate(ShadowComparisonCheck spec, ProviderValidationContext context)
    {
        var ratio = spec.MaxMismatchRatio;
        if (!double.IsFinite(ratio) || ratio is < 0 or > 1)
        {
            context.Add(context.Field("maxMismatchRatio"), $"must be between 0 and 1, got {ratio.ToString(CultureInfo.InvariantCulture)}");
        }

        if (spec.MinComparisons is < 1)
        {
            context.Add(context.Field("minComparisons"), $"must be at least 1, got {spec.MinComparisons}; fewer comparisons are inconclusive, never a pass");
        }

        if (spec.Window is not null && Window(spec) is null)
        {
            context.Add(context.Field("window"), $"\"{spec.Window}\" is not a duration longer than 0; use a number with a unit ms, s, m or h, e.g. 5m");
        }

        if (spec.Prometheus is { } prometheus)
        {
            context.HttpUrl(prometheus.Address, "prometheus.address", required: false);
            context.TimeoutSeconds(prometheus.TimeoutSeconds, "prometheus.timeoutSeconds");
            context.SecretKey(prometheus.BearerTokenSecretRef, "prometheus.bearerTokenSecretRef");
            context.SecretKey(prometheus.CaSecretRef, "prometheus.caSecretRef");
            context.ConfigMapKey(prometheus.CaConfigMapRef, "prometheus.caConfigMapRef");
            context.SecretName(prometheus.BasicAuthSecretRef, "prometheus.basicAuthSecretRef");
            context.OneOf(prometheus.BearerTokenSecretRef, "prometheus.bearerTokenSecretRef", prometheus.BasicAuthSecretRef, "prometheus.basicAuthSecretRef");
            context.OneOf(prometheus.CaSecretRef, "prometheus.caSecretRef", prometheus.CaConfigMapRef, "prometheus.caConfigMapRef");
        }

        context.Bounds();
    }
}
