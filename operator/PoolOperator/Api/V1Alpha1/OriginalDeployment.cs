using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class OriginalDeployment
{
    [JsonPropertyName("deployment")]
    public string Deployment { get; set; } = "";

    [JsonPropertyName("replicas")]
    public int Replicas { get; set; }

    /// <summary>The HorizontalPodAutoscaler that scaled this Deployment, with its bounds; null when none did.</summary>
    [JsonPropertyName("autoscaler")]
    public OriginalAutoscaler? Autoscaler { get; set; }
}
