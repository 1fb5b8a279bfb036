using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class MigrationStage
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>Share of traffic on V2 during this stage, 0..100. Absent on a shadow stage.</summary>
    [JsonPropertyName("weight")]
    public int? Weight { get; set; }

    /// <summary>Copies a share of V1's traffic to V2; V2 answers nobody.</summary>
    [JsonPropertyName("shadow")]
    public ShadowSpec? Shadow { get; set; }

    /// <summary>How long the stage must stay healthy before the next one, e.g. 30s, 5m, 1h30m.</summary>
    [JsonPropertyName("duration")]
    public string? Duration { get; set; }

    /// <summary><c>Required</c>: the stage waits for a person's approval before the next one.</summary>
    [JsonPropertyName("approval")]
    public string? Approval { get; set; }
}
