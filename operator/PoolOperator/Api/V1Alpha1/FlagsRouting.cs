using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

/// <summary>Publishes the flag state read by the client SDK in a ConfigMap, key <c>rollout.json</c>.</summary>
public sealed class FlagsRouting
{
    [JsonPropertyName("configMap")]
    public string ConfigMap { get; set; } = "";

    /// <summary>Per-session pins: session id to <c>v1</c> or <c>v2</c>.</summary>
    [JsonPropertyName("overrides")]
    public IDictionary<string, string>? Overrides { get; set; }
}
