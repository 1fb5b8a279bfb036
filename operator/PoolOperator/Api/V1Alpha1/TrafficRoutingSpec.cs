using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

/// <summary>Traffic routers in use besides replica counts, which are always on.</summary>
public sealed class TrafficRoutingSpec
{
    [JsonPropertyName("flags")]
    public FlagsRouting? Flags { get; set; }

    [JsonPropertyName("gatewayAPI")]
    public GatewayApiRouting? GatewayApi { get; set; }
}
