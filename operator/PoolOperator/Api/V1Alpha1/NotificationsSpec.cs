using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

/// <summary>Where to tell people about a migration's milestones; without it, the operator's cluster-wide default applies.</summary>
public sealed class NotificationsSpec
{
    [JsonPropertyName("targets")]
    public IList<NotificationTarget> Targets { get; set; } = [];

    /// <summary>
    /// The milestones to send, by name: StageStarted, AwaitingApproval, RollbackTriggered, RolledBack, Completed,
    /// AnalysisInconclusive. Empty or absent: all of them.
    /// </summary>
    [JsonPropertyName("events")]
    public IList<string>? Events { get; set; }
}
