using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class PoolReference
{
    /// <summary>Name of a Deployment in the migration's namespace.</summary>
    [JsonPropertyName("deployment")]
    public string Deployment { get; set; } = "";
}
