using System.Text.Json.Serialization;

namespace PoolOperator.IntegrationTests.Runtime;

public sealed class WidgetSpec
{
    [JsonPropertyName("deployment")]
    public string Deployment { get; set; } = "none";
}
