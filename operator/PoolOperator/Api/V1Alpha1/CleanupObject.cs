using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

/// <summary>One object the cleanup removes, in the migration's namespace.</summary>
public sealed class CleanupObject
{
    /// <summary>Deployment, HorizontalPodAutoscaler, Service, ConfigMap, or HTTPRoute (V1's backendRef is removed from it).</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";

    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>When the operator first asked the apiserver to remove it.</summary>
    [JsonPropertyName("requestedAt")]
    public DateTime? RequestedAt { get; set; }

    /// <summary>When it was seen removed (or the removal was called off).</summary>
    [JsonPropertyName("doneAt")]
    public DateTime? DoneAt { get; set; }

    /// <summary>Deleted, BackendRemoved, AlreadyGone (removed by someone else first) or Kept (the spec no longer asks for it); absent while pending.</summary>
    [JsonPropertyName("outcome")]
    public string? Outcome { get; set; }
}
