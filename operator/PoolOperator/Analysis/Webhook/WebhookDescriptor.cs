using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Analysis.Webhook;

/// <summary>The <c>webhook</c> section of a check: a URL judged by the status of its answer.</summary>
internal sealed class WebhookDescriptor : AnalysisProviderDescriptor<WebhookCheck, WebhookProvider>
{
    public static WebhookDescriptor Instance { get; } = new();

    private WebhookDescriptor()
    {
    }

    public override string Name => "webhook";

    public override string OwnVerdict => "passes on a 2xx answer and fails otherwise";

    public override WebhookCheck? SpecOf(AnalysisCheck check) => check?.Webhook;

    protected override int? TimeoutSecondsOf(WebhookCheck spec) => spec.TimeoutSeconds;

    protected override CredentialReferences CredentialsOf(WebhookCheck spec) => new(spec.BearerTokenSecretRef);

    protected override void Validate(WebhookCheck spec, ProviderValidationContext context)
    {
        context.HttpUrl(spec.Url, "url", required: true);
        context.TimeoutSeconds(spec.TimeoutSeconds);
        context.SecretKey(spec.BearerTokenSecretRef, "bearerTokenSecretRef");
        context.Bounds();
    }
}
