namespace PoolOperator.Core;

internal static class Phases
{
    public const string Pending = "Pending";
    public const string Initializing = "Initializing";
    public const string Shadowing = "Shadowing";
    public const string Progressing = "Progressing";
    public const string Paused = "Paused";
    public const string AwaitingApproval = "AwaitingApproval";
    public const string Completing = "Completing";
    public const string Completed = "Completed";
    public const string RollingBack = "RollingBack";
    public const string RolledBack = "RolledBack";
    public const string Invalid = "Invalid";
}
