using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

/// <summary>The state a rollback restores, recorded once on first sight and kept across spec changes.</summary>
public sealed class OriginalState
{
    [JsonPropertyName("recordedAt")]
    public DateTime? RecordedAt { get; set; }

    /// <summary>Total capacity promised across both pools.</summary>
    [JsonPropertyName("replicas")]
    public int Replicas { get; set; }

    /// <summary>V2's share of live traffic when the migration began, as the traffic routers found it (0 when none routed to V2).</summary>
    [JsonPropertyName("weight")]
    public int? Weight { get; set; }

    [JsonPropertyName("v1")]
    public OriginalDeployment V1 { get; set; } = new();

    [JsonPropertyName("v2")]
    public OriginalDeployment V2 { get; set; } = new();

    [JsonPropertyName("flags")]
    public OriginalFlags? Flags { get; set; }

    [JsonPropertyName("httpRoute")]
    public OriginalHttpRoute? HttpRoute { get; set; }
}
