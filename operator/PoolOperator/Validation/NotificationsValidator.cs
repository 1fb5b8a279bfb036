using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Notifications;

namespace PoolOperator.Validation;

/// <summary>The rules of <c>spec.notifications</c>, repeated from the CRD schema, plus unique target names.</summary>
internal static class NotificationsValidator
{
    private static readonly string[] Types = [NotificationPayloads.Webhook, NotificationPayloads.Slack, NotificationPayloads.Teams];

    public static void Validate(NotificationsSpec? notifications, List<SpecProblem> errors)
    {
        if (notifications is null)
        {
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < notifications.Targets.Count; i++)
        {
            var target = notifications.Targets[i];
            var field = $"spec.notifications.targets[{i}]";
            if (string.IsNullOrEmpty(target.Name) || !names.Add(target.Name))
            {
                errors.Add(new($"{field}.name", string.IsNullOrEmpty(target.Name) ? "is required" : $"\"{target.Name}\" names two targets; names must be unique"));
            }

            if (!Types.Contains(target.Type, StringComparer.Ordinal))
            {
                errors.Add(new($"{field}.type", $"must be one of {string.Join(", ", Types)}, got \"{target.Type}\""));
            }

            if (string.IsNullOrEmpty(target.UrlSecretRef?.Name) || string.IsNullOrEmpty(target.UrlSecretRef.Key))
            {
                errors.Add(new($"{field}.urlSecretRef", "needs the name and key of the Secret holding the URL"));
            }
        }

        foreach (var (kind, i) in (notifications.Events ?? []).Select((kind, i) => (kind, i)).Where(e => !NotificationKinds.All.Contains(e.kind)))
        {
            errors.Add(new($"spec.notifications.events[{i}]", $"must be one of {string.Join(", ", NotificationKinds.All.Order(StringComparer.Ordinal))}, got \"{kind}\""));
        }
    }
}
