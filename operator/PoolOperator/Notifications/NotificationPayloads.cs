using System.Text.Json;
using System.Text.Json.Nodes;

namespace PoolOperator.Notifications;

/// <summary>The body each kind of target expects (docs/production-pools.md shows one of each).</summary>
internal static class NotificationPayloads
{
    public const string Webhook = "webhook";
    public const string Slack = "slack";
    public const string Teams = "teams";

    public static string For(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        JsonNode body = notification.Target.Type switch
        {
            Slack => new JsonObject { ["text"] = $"{Icon(notification)} *PoolMigration {notification.Namespace}/{notification.Migration}* — {notification.Kind}: {notification.Message}" },
            Teams => new JsonObject
            {
                ["@type"] = "MessageCard",
                ["@context"] = "https://schema.org/extensions",
                ["summary"] = $"PoolMigration {notification.Namespace}/{notification.Migration}: {notification.Kind}",
                ["themeColor"] = notification.EventType == Core.MigrationEvent.Warning ? "D70000" : "2EB886",
                ["title"] = $"PoolMigration {notification.Namespace}/{notification.Migration}: {notification.Kind}",
                ["text"] = notification.Message,
            },
            _ => new JsonObject
            {
                ["migration"] = $"{notification.Namespace}/{notification.Migration}",
                ["event"] = notification.Kind,
                ["type"] = notification.EventType,
                ["key"] = notification.Key,
                ["message"] = notification.Message,
                ["phase"] = notification.Phase,
                ["stage"] = notification.Stage,
                ["weight"] = notification.Weight,
                ["run"] = notification.Run,
                ["at"] = notification.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            },
        };
        return body.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    private static string Icon(Notification notification) => notification.EventType == Core.MigrationEvent.Warning ? ":warning:" : ":large_green_circle:";
}
