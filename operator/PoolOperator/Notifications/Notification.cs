namespace PoolOperator.Notifications;

/// <summary>One milestone of one migration, to be sent to one target.</summary>
/// <param name="SecretNamespace">Where the target's URL Secret lives.</param>
internal sealed record Notification(
    string Namespace,
    string Migration,
    Api.V1Alpha1.NotificationTarget Target,
    string SecretNamespace,
    string Kind,
    string EventType,
    string Key,
    string Message,
    string Phase,
    string? Stage,
    int Weight,
    int Run,
    DateTimeOffset At)
{
    /// <summary>How status.notifications.sent names this notification.</summary>
    public string SentKey => $"{Target.Name}/{Key}";
}
