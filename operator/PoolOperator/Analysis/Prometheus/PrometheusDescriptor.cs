using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Analysis.Prometheus;

/// <summary>The <c>prometheus</c> section of a check: an instant query, and for comparative checks a baseline query.</summary>
internal sealed class PrometheusDescriptor : AnalysisProviderDescriptor<PrometheusCheck, PrometheusProvider>
{
    public static PrometheusDescriptor Instance { get; } = new();

    private PrometheusDescriptor()
    {
    }

    public override string Name => "prometheus";

    public override PrometheusCheck? SpecOf(AnalysisCheck check) => check?.Prometheus;

    protected override int? TimeoutSecondsOf(PrometheusCheck spec) => spec.TimeoutSeconds;

    protected override CredentialReferences CredentialsOf(PrometheusCheck spec) =>
        new(spec.BearerTokenSecretRef, spec.BasicAuthSecretRef, spec.CaSecretRef, spec.CaConfigMapRef);

    protected override void Validate(PrometheusCheck spec, ProviderValidationContext context)
    {
        if (string.IsNullOrWhiteSpace(spec.Query))
        {
            context.Add(context.Field("query"), "is required: a PromQL query returning a scalar or a one-element vector");
        }

        context.HttpUrl(spec.Address, "address", required: false);
        context.TimeoutSeconds(spec.TimeoutSeconds);
        context.SecretKey(spec.BearerTokenSecretRef, "bearerTokenSecretRef");
        context.SecretKey(spec.CaSecretRef, "caSecretRef");
        context.ConfigMapKey(spec.CaConfigMapRef, "caConfigMapRef");
        context.SecretName(spec.BasicAuthSecretRef, "basicAuthSecretRef");
        context.OneOf(spec.BearerTokenSecretRef, "bearerTokenSecretRef", spec.BasicAuthSecretRef, "basicAuthSecretRef");
        context.OneOf(spec.CaSecretRef, "caSecretRef", spec.CaConfigMapRef, "caConfigMapRef");
        context.Bounds();
        ValidateBaseline(spec, context);
    }

    private static void ValidateBaseline(PrometheusCheck spec, ProviderValidationContext context)
    {
        var check = context.Check;
        var comparative = check.MaxRatio is not null || check.MaxDelta is not null;
        var hasBaseline = !string.IsNullOrWhiteSpace(spec.BaselineQuery);
        var field = context.Field("baselineQuery");
        if (spec.BaselineQuery is not null && !hasBaseline)
        {
            context.Add(field, "must not be empty when set");
        }
        else if (comparative && !hasBaseline)
        {
            context.Add(field, $"is required by {ComparativeBounds(check)}: a comparative check judges V2 against the same measurement of V1");
        }
        else if (!comparative && hasBaseline)
        {
            context.Add(field, "is only used by maxRatio and maxDelta; set one of them or remove the baseline");
        }
    }

    private static string ComparativeBounds(AnalysisCheck check) => (check.MaxRatio, check.MaxDelta) switch
    {
        (not null, not null) => "maxRatio and maxDelta",
        (not null, null) => "maxRatio",
        _ => "maxDelta",
    };
}
