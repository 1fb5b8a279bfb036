using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

/// <summary>One run through the stages as it happened: when it began and why, each stage it entered, how it ended.</summary>
public sealed class RunRecord
{
    [JsonPropertyName("run")]
    public int Run { get; set; }

    /// <summary>Started, Retry, SpecChanged or V2TemplateChanged.</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    [JsonPropertyName("startedAt")]
    public DateTime? StartedAt { get; set; }

    /// <summary>Absent while the run is under way.</summary>
    [JsonPropertyName("endedAt")]
    public DateTime? EndedAt { get; set; }

    /// <summary>Completed, RolledBack or Restarted; absent while the run is under way.</summary>
    [JsonPropertyName("outcome")]
    public string? Outcome { get; set; }

    /// <summary>When the last stage passed and the rollback window began.</summary>
    [JsonPropertyName("promotedAt")]
    public DateTime? PromotedAt { get; set; }

    /// <summary>After a completed run: its cleanup policy, when it was due, and what was removed when.</summary>
    [JsonPropertyName("cleanup")]
    public CleanupStatus? Cleanup { get; set; }

    [JsonPropertyName("stages")]
    public IList<StageRecord> Stages { get; set; } = [];

    /// <summary>The rollback that ended the run, with its trigger and every check's value when it fired.</summary>
    [JsonPropertyName("rollback")]
    public RollbackStatus? Rollback { get; set; }
}
