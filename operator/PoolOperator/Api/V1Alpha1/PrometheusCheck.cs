using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class PrometheusCheck
{
    /// <summary>Base address of the Prometheus HTTP API; defaults to the operator's configured address.</summary>
    [JsonPropertyName("address")]
    public string? Address { get; set; }

    /// <summary>PromQL instant query returning a scalar or a one-element vector.</summary>
    [JsonPropertyName("query")]
    public string Query { get; set; } = "";

    /// <summary>Comparative check: the same measurement for V1, evaluated at the same moment.</summary>
    [JsonPropertyName("baselineQuery")]
    public string? BaselineQuery { get; set; }

    [JsonPropertyName("timeoutSeconds")]
    public int? TimeoutSeconds { get; set; }

    [JsonPropertyName("bearerTokenSecretRef")]
    public SecretKeyReference? BearerTokenSecretRef { get; set; }

    /// <summary>Secret holding <c>username</c> and <c>password</c> keys.</summary>
    [JsonPropertyName("basicAuthSecretRef")]
    public LocalObjectReference? BasicAuthSecretRef { get; set; }

    [JsonPropertyName("caSecretRef")]
    public SecretKeyReference? CaSecretRef { get; set; }

    [JsonPropertyName("caConfigMapRef")]
    public ConfigMapKeyReference? CaConfigMapRef { get; set; }
}
