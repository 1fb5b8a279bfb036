using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class CompletionSpec
{
    /// <summary>After 100%, V1 stays warm this long for an instant rollback, then scales to 0; default 600.</summary>
    [JsonPropertyName("rollbackWindowSeconds")]
    public int? RollbackWindowSeconds { get; set; }

    /// <summary>After the rollback window: keep V1 at 0 (default) or delete it, and what else goes with it.</summary>
    [JsonPropertyName("cleanup")]
    public CleanupSpec? Cleanup { get; set; }
}
