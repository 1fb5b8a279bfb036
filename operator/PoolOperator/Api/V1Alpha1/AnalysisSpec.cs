using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class AnalysisSpec
{
    /// <summary>Time between two measurements of a check; default 30s.</summary>
    [JsonPropertyName("interval")]
    public string? Interval { get; set; }

    /// <summary>Consecutive failed measurements of one check that make a rollback trigger; default 3.</summary>
    [JsonPropertyName("failureLimit")]
    public int? FailureLimit { get; set; }

    /// <summary>Consecutive inconclusive measurements of one check that pause the migration; default 5.</summary>
    [JsonPropertyName("inconclusiveLimit")]
    public int? InconclusiveLimit { get; set; }

    [JsonPropertyName("checks")]
    public IList<AnalysisCheck> Checks { get; set; } = [];
}
