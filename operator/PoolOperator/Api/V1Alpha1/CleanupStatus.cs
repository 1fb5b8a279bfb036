using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

/// <summary>The cleanup of a completed run: its policy, when it is due, and each object it removes.</summary>
public sealed class CleanupStatus
{
    /// <summary>ScaleToZero or Delete, as the run's spec asked when it completed.</summary>
    [JsonPropertyName("policy")]
    public string Policy { get; set; } = "";

    /// <summary>The end of the rollback window plus the retention: nothing is removed before.</summary>
    [JsonPropertyName("dueAt")]
    public DateTime? DueAt { get; set; }

    /// <summary>When every object was removed, found gone or kept on a person's request; absent while some is pending.</summary>
    [JsonPropertyName("finishedAt")]
    public DateTime? FinishedAt { get; set; }

    [JsonPropertyName("objects")]
    public IList<CleanupObject> Objects { get; set; } = [];
}
