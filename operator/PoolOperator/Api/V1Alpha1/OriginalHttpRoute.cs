using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class OriginalHttpRoute
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("v1Weight")]
    public int V1Weight { get; set; }

    [JsonPropertyName("v2Weight")]
    public int V2Weight { get; set; }

    /// <summary>The route's <c>spec.rules</c> before the migration, as JSON: a revert puts them back exactly.</summary>
    [JsonPropertyName("rules")]
    public string? Rules { get; set; }
}
