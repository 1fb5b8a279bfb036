using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace PoolOperator.Routing.GatewayApi;

/// <summary>
/// A Gateway API HTTPRoute as the router needs it: the spec as a JSON tree, every other field kept as it came so a
/// replace sends back what it read.
/// </summary>
internal sealed class HttpRoute : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "gateway.networking.k8s.io";
    public const string Version = "v1";
    public const string Plural = "httproutes";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{Group}/{Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "HTTPRoute";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public JsonObject? Spec { get; set; }

    // A dictionary, not a JsonObject: System.Text.Json writes a JsonObject extension back as a nested object without a
    // name, which is not JSON, so a route with a status could not be copied or replaced.
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? OtherFields { get; set; }

    /// <summary>Every backendRef of every rule.</summary>
    public IEnumerable<JsonObject> BackendRefs() =>
        (Spec?["rules"] as JsonArray ?? [])
            .SelectMany(rule => rule?["backendRefs"] as JsonArray ?? [])
            .OfType<JsonObject>();

    /// <summary>The route's rules as they are, or null when it has none.</summary>
    [JsonIgnore]
    public JsonArray? Rules => Spec?["rules"] as JsonArray;

    /// <summary>A copy to edit; the cached object stays as it is.</summary>
    public HttpRoute DeepCopy() => KubernetesJson.Deserialize<HttpRoute>(KubernetesJson.Serialize(this));
}
