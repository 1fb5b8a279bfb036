using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class PoolMigrationSpec
{
    /// <summary>The pool being retired.</summary>
    [JsonPropertyName("v1")]
    public PoolReference V1 { get; set; } = new();

    /// <summary>The pool being introduced.</summary>
    [JsonPropertyName("v2")]
    public PoolReference V2 { get; set; } = new();

    /// <summary>Total capacity across both pools; defaults to V1's replicas when the migration is first seen.</summary>
    [JsonPropertyName("replicas")]
    public int? Replicas { get; set; }

    [JsonPropertyName("paused")]
    public bool? Paused { get; set; }

    [JsonPropertyName("progressDeadlineSeconds")]
    public int? ProgressDeadlineSeconds { get; set; }

    [JsonPropertyName("stages")]
    public IList<MigrationStage> Stages { get; set; } = [];

    [JsonPropertyName("analysis")]
    public AnalysisSpec? Analysis { get; set; }

    [JsonPropertyName("rollback")]
    public RollbackSpec? Rollback { get; set; }

    [JsonPropertyName("trafficRouting")]
    public TrafficRoutingSpec? TrafficRouting { get; set; }

    [JsonPropertyName("completion")]
    public CompletionSpec? Completion { get; set; }

    [JsonPropertyName("notifications")]
    public NotificationsSpec? Notifications { get; set; }
}
