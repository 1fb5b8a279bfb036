using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

/// <summary>What happens to V1 once the migration completed; fixed for a run when the run completes.</summary>
public sealed class CleanupSpec
{
    /// <summary>ScaleToZero (default): V1 stays at 0 replicas for a person to remove. Delete: the operator deletes V1's Deployment after the retention.</summary>
    [JsonPropertyName("policy")]
    public string? Policy { get; set; }

    /// <summary>With Delete: how long after the rollback window ended V1 is kept at 0 before it is deleted; default 0.</summary>
    [JsonPropertyName("retentionSeconds")]
    public int? RetentionSeconds { get; set; }

    /// <summary>With Delete: also delete V1's Service (spec.trafficRouting.gatewayAPI.v1Service); needs removeV1RouteBackend.</summary>
    [JsonPropertyName("deleteV1Service")]
    public bool? DeleteV1Service { get; set; }

    /// <summary>With Delete: also delete the flags ConfigMap (spec.trafficRouting.flags.configMap).</summary>
    [JsonPropertyName("deleteFlagsConfigMap")]
    public bool? DeleteFlagsConfigMap { get; set; }

    /// <summary>With Delete: also remove V1's backendRef from the HTTPRoute's rules, leaving V2's backend serving them.</summary>
    [JsonPropertyName("removeV1RouteBackend")]
    public bool? RemoveV1RouteBackend { get; set; }
}
