using System.Text.Json.Serialization;

namespace PoolOperator.Analysis.Webhook;

/// <summary>The JSON body POSTed to a webhook check.</summary>
internal sealed record WebhookPayload(
    [property: JsonPropertyName("migration")] string Migration,
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("weight")] int Weight,
    [property: JsonPropertyName("phase")] string Phase)
{
    public static WebhookPayload From(MeasurementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(context.Migration, context.Namespace, context.Stage, context.Weight, context.Phase);
    }
}
