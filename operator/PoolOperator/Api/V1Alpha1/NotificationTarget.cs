using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

/// <summary>One place notifications go: a JSON webhook, a Slack or a Microsoft Teams incoming webhook.</summary>
public sealed class NotificationTarget
{
    /// <summary>Names the target in status and conditions.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary><c>webhook</c>, <c>slack</c> or <c>teams</c>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; set; } = "";

    /// <summary>The Secret key holding the URL (incoming-webhook URLs are credentials), in the migration's namespace.</summary>
    [JsonPropertyName("urlSecretRef")]
    public SecretKeyReference UrlSecretRef { get; set; } = new();
}
