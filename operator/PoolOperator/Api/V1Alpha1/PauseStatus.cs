using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class PauseStatus
{
    /// <summary>Spec, Annotation, Inconclusive, Trigger or DeploymentMissing.</summary>
    [JsonPropertyName("reason")]
    public string Reason { get; set; } = "";

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("at")]
    public DateTime? At { get; set; }
}
