using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class OriginalFlags
{
    [JsonPropertyName("configMap")]
    public string ConfigMap { get; set; } = "";

    /// <summary>False when the operator created the ConfigMap; a rollback then publishes 0% instead of deleting it.</summary>
    [JsonPropertyName("existed")]
    public bool Existed { get; set; }

    /// <summary>The <c>rollout.json</c> value before the migration, when there was one.</summary>
    [JsonPropertyName("rolloutJson")]
    public string? RolloutJson { get; set; }
}
