using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

/// <summary>Where a Prometheus is and how to authenticate to it, for checks whose query the operator writes.</summary>
public sealed class PrometheusEndpoint
{
    /// <summary>Base address of the Prometheus HTTP API; defaults to the operator's configured address.</summary>
    [JsonPropertyName("address")]
    public string? Address { get; set; }

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
