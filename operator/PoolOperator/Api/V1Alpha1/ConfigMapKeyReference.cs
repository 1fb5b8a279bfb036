using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class ConfigMapKeyReference
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("key")]
    public string Key { get; set; } = "";
}
