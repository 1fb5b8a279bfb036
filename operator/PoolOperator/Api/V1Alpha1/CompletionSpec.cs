using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class CompletionSpec
{
    /// <summary>After 100%, V1 stays warm this long for an instant rollback, then scales to 0; default 600.</summary>
    [JsonPropertyName("rollbackWindowSeconds")]
    public int? RollbackWindowSeconds { get; set; }
}
