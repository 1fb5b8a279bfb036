namespace PoolOperator.Client;

/// <summary>The metric label values of <see cref="DecisionReason"/>.</summary>
internal static class DecisionReasonNames
{
    public static string ToLabel(this DecisionReason reason) => reason switch
    {
        DecisionReason.Programmatic => "programmatic",
        DecisionReason.Environment => "environment",
        DecisionReason.Rollback => "rollback",
        DecisionReason.SessionOverride => "session_override",
        DecisionReason.Percentage => "percentage",
        DecisionReason.NoFlags => "no_flags",
        DecisionReason.BreakerOpen => "breaker_open",
        _ => "unknown",
    };
}
