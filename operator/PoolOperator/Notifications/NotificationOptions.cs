using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Notifications;

/// <summary>
/// Configuration section <c>Notifications</c>: the cluster-wide default for migrations without <c>spec.notifications</c>
/// (the chart's <c>notifications</c> values), and how hard to try each delivery.
/// </summary>
internal sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>Targets for every migration that names none; their Secrets live in <see cref="SecretNamespace"/>.</summary>
    public List<NotificationTarget> Targets { get; set; } = [];

    /// <summary>Milestones the default targets receive; empty: all.</summary>
    public List<string> Events { get; set; } = [];

    /// <summary>Where the default targets' Secrets are (the operator's own namespace).</summary>
    public string SecretNamespace { get; set; } = "";

    /// <summary>Each HTTP attempt is abandoned after this long, so a target that hangs costs a bounded wait.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts after the first before a notification is given up and its target reported failing.</summary>
    public int Retries { get; set; } = 3;

    /// <summary>Delay before the first retry; doubled for each next one, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}
