using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class RollbackSpec
{
    /// <summary>When false, a rollback trigger pauses the migration instead of reverting it.</summary>
    [JsonPropertyName("automatic")]
    public bool? Automatic { get; set; }

    /// <summary>How long V2 keeps its pods after traffic leaves them, to drain in-flight work; default 30.</summary>
    [JsonPropertyName("scaleDownDelaySeconds")]
    public int? ScaleDownDelaySeconds { get; set; }
}
