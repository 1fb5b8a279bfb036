using System.Text.Json.Serialization;
using k8s.Models;

namespace PoolOperator.Api.V1Alpha1;

/// <summary>
/// Everything the operator remembers about a migration. The operator can be killed at any instant and
/// continues from here, so every field needed to decide the next step lives in this object.
/// </summary>
public sealed class PoolMigrationStatus
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    /// <summary>Counts the runs through the stages: 1 at the start, plus one per retry, spec change or V2 template change.</summary>
    [JsonPropertyName("run")]
    public int? Run { get; set; }

    [JsonPropertyName("stageIndex")]
    public int? StageIndex { get; set; }

    [JsonPropertyName("stageName")]
    public string? StageName { get; set; }

    [JsonPropertyName("stageStartedAt")]
    public DateTime? StageStartedAt { get; set; }

    /// <summary>When the stage's capacity was in place; its duration counts from here.</summary>
    [JsonPropertyName("stageReadyAt")]
    public DateTime? StageReadyAt { get; set; }

    /// <summary>Share of traffic on V2 now.</summary>
    [JsonPropertyName("weight")]
    public int? Weight { get; set; }

    /// <summary>Share of V1's traffic copied to V2 now.</summary>
    [JsonPropertyName("shadowPercent")]
    public int? ShadowPercent { get; set; }

    [JsonPropertyName("v1")]
    public PoolReplicaStatus? V1 { get; set; }

    [JsonPropertyName("v2")]
    public PoolReplicaStatus? V2 { get; set; }

    /// <summary>What every touched object looked like before the migration began.</summary>
    [JsonPropertyName("original")]
    public OriginalState? Original { get; set; }

    /// <summary>Pod-template hash of V2 when the current run began; a change restarts the stages.</summary>
    [JsonPropertyName("v2TemplateHash")]
    public string? V2TemplateHash { get; set; }

    /// <summary>
    /// Fingerprint of the spec the current run follows, without <c>spec.paused</c>: a new generation restarts the
    /// stages only when this differs, so pausing and resuming through the spec freezes the migration in place.
    /// </summary>
    [JsonPropertyName("specHash")]
    public string? SpecHash { get; set; }

    [JsonPropertyName("analysis")]
    public AnalysisStatus? Analysis { get; set; }

    [JsonPropertyName("rollback")]
    public RollbackStatus? Rollback { get; set; }

    [JsonPropertyName("pause")]
    public PauseStatus? Pause { get; set; }

    /// <summary>The last request token handled for each action annotation, so an action runs exactly once.</summary>
    [JsonPropertyName("handledActions")]
    public HandledActions? HandledActions { get; set; }

    /// <summary>When the last stage passed; the rollback window counts from here.</summary>
    [JsonPropertyName("promotedAt")]
    public DateTime? PromotedAt { get; set; }

    [JsonPropertyName("completedAt")]
    public DateTime? CompletedAt { get; set; }

    /// <summary>The completed run's cleanup: what is removed when, and what was; the same record is kept in the run's history.</summary>
    [JsonPropertyName("cleanup")]
    public CleanupStatus? Cleanup { get; set; }

    /// <summary>
    /// The runs as they happened, oldest first: each stage's start, end, weight, outcome and checks, and the rollback
    /// that ended a run. Bounded: the last 10 runs, fewer when their check values would pass 1,000.
    /// </summary>
    [JsonPropertyName("history")]
    public IList<RunRecord>? History { get; set; }
    /// <summary>Written by the notifier, not the decision core: what was sent, and which target fails.</summary>
    [JsonPropertyName("notifications")]
    public NotificationsStatus? Notifications { get; set; }

    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }
}
