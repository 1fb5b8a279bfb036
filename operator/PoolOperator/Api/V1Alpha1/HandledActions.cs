using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class HandledActions
{
    [JsonPropertyName("approve")]
    public string? Approve { get; set; }

    [JsonPropertyName("promote")]
    public string? Promote { get; set; }

    [JsonPropertyName("abort")]
    public string? Abort { get; set; }

    [JsonPropertyName("retry")]
    public string? Retry { get; set; }

    [JsonPropertyName("resume")]
    public string? Resume { get; set; }
}
