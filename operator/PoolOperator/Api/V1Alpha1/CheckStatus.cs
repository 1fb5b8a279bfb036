using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class CheckStatus
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

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("measuredAt")]
    public DateTime? MeasuredAt { get; set; }

    [JsonPropertyName("consecutiveFailures")]
    public int ConsecutiveFailures { get; set; }

    [JsonPropertyName("consecutiveInconclusive")]
    public int ConsecutiveInconclusive { get; set; }

    /// <summary>Whether the check has passed at least once in the current stage.</summary>
    [JsonPropertyName("passedInStage")]
    public bool PassedInStage { get; set; }
}
