using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class ShadowSpec
{
    [JsonPropertyName("percent")]
    public int Percent { get; set; }
}
