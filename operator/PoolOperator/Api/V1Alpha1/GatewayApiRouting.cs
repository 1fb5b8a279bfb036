using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class GatewayApiRouting
{
    [JsonPropertyName("httpRoute")]
    public string HttpRoute { get; set; } = "";

    [JsonPropertyName("v1Service")]
    public string V1Service { get; set; } = "";

    [JsonPropertyName("v2Service")]
    public string V2Service { get; set; } = "";
}
