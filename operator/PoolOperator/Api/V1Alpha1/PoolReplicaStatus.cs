using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class PoolReplicaStatus
{
    [JsonPropertyName("replicas")]
    public int Replicas { get; set; }

    [JsonPropertyName("readyReplicas")]
    public int ReadyReplicas { get; set; }
}
