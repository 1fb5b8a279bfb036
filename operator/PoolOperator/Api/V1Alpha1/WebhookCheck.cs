using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class WebhookCheck
{
    [JsonPropertyName("url")]
    public string Url { get; set; } = "";

    [JsonPropertyName("timeoutSeconds")]
    public int? TimeoutSeconds { get; set; }

    [JsonPropertyName("bearerTokenSecretRef")]
    public SecretKeyReference? BearerTokenSecretRef { get; set; }
}
