namespace PoolOperator.Notifications;

/// <summary>The milestones people are notified of, named by the reason of their milestone Event.</summary>
internal static class NotificationKinds
{
    public const string StageStarted = "StageStarted";
    public const string AwaitingApproval = "AwaitingApproval";
    public const string RollbackTriggered = "RollbackTriggered";
    public const string RolledBack = "RolledBack";
    public const string Completed = "Completed";
    public const string AnalysisInconclusive = "AnalysisInconclusive";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        StageStarted, AwaitingApproval, RollbackTriggered, RolledBack, Completed, AnalysisInconclusive,
    };
}
