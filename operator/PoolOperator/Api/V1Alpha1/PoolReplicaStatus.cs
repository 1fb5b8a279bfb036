using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class PoolReplicaStatus
{
    /// <summary>Desired replicas of the Deployment.</summary>
    [JsonPropertyName("replicas")]
    public int Replicas { get; set; }

    [JsonPropertyName("readyReplicas")]
    public int ReadyReplicas { get; set; }

    /// <summary>
    /// <c>ready/desired</c>, e.g. <c>8/10</c>. JSONPath printer columns cannot concatenate, so the
    /// <c>V1</c> and <c>V2</c> columns of <c>kubectl get pm</c> read this; derived so it never disagrees.
    /// </summary>
    [JsonPropertyName("ready")]
    public string Ready => $"{ReadyReplicas}/{Replicas}";
}
