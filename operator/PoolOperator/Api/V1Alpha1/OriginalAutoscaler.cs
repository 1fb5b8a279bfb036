using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

/// <summary>The bounds of the HorizontalPodAutoscaler that scaled a pool before the migration began.</summary>
public sealed class OriginalAutoscaler
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("minReplicas")]
    public int MinReplicas { get; set; }

    [JsonPropertyName("maxReplicas")]
    public int MaxReplicas { get; set; }
}
