using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class LocalObjectReference
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";
}
