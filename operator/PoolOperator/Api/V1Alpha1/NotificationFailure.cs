using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

public sealed class NotificationFailure
{
    [JsonPropertyName("target")]
    public string Target { get; set; } = "";

    /// <summary>The milestone that could not be delivered.</summary>
    [JsonPropertyName("key")]
    public string Key { get; set; } = "";

    [JsonPropertyName("message")]
    public string Message { get; set; } = "";

    [JsonPropertyName("at")]
    public DateTime? At { get; set; }
}
