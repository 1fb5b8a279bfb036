using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

/// <summary>A check's last measurement, kept in the history without its streaks and message.</summary>
public sealed class CheckRecord
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>Pass, Fail or Inconclusive.</summary>
    [JsonPropertyName("verdict")]
    public string Verdict { get; set; } = "";

    [JsonPropertyName("value")]
    public double? Value { get; set; }

    [JsonPropertyName("baseline")]
    public double? Baseline { get; set; }

    [JsonPropertyName("measuredAt")]
    public DateTime? MeasuredAt { get; set; }
}
