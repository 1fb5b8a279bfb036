using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

/// <summary>One stage of a run as it happened.</summary>
public sealed class StageRecord
{
    [JsonPropertyName("index")]
    public int Index { get; set; }

    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>Share of traffic on V2 the stage asked for.</summary>
    [JsonPropertyName("weight")]
    public int Weight { get; set; }

    /// <summary>Share of V1's traffic the stage copied to V2.</summary>
    [JsonPropertyName("shadowPercent")]
    public int ShadowPercent { get; set; }

    [JsonPropertyName("startedAt")]
    public DateTime? StartedAt { get; set; }

    /// <summary>When the stage's capacity was in place; absent when it never was.</summary>
    [JsonPropertyName("readyAt")]
    public DateTime? ReadyAt { get; set; }

    /// <summary>Absent while the stage is under way.</summary>
    [JsonPropertyName("endedAt")]
    public DateTime? EndedAt { get; set; }

    /// <summary>Passed, Promoted (skipped by a person's promote), RolledBack or Restarted; absent while under way.</summary>
    [JsonPropertyName("outcome")]
    public string? Outcome { get; set; }

    /// <summary>Every check's last value when the stage ended.</summary>
    [JsonPropertyName("checks")]
    public IList<CheckRecord> Checks { get; set; } = [];
}
