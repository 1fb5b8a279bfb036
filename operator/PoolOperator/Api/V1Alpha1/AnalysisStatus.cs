using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class AnalysisStatus
{
    /// <summary>The highest consecutive-failure count among the checks.</summary>
    [JsonPropertyName("consecutiveFailures")]
    public int ConsecutiveFailures { get; set; }

    /// <summary>The highest consecutive-inconclusive count among the checks.</summary>
    [JsonPropertyName("consecutiveInconclusive")]
    public int ConsecutiveInconclusive { get; set; }

    [JsonPropertyName("lastRunAt")]
    public DateTime? LastRunAt { get; set; }

    [JsonPropertyName("checks")]
    public IList<CheckStatus> Checks { get; set; } = [];
}
