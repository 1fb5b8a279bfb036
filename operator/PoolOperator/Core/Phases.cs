using System.Collections.Frozen;

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

    /// <summary>A run that can still move forward and answers abort and promote: not finished, reverting or invalid.</summary>
    public static readonly FrozenSet<string> Active =
        FrozenSet.Create(StringComparer.Ordinal, Pending, Initializing, Shadowing, Progressing, Paused, AwaitingApproval, Completing);

    /// <summary>The checks are measured: a run is in a stage or in the rollback window, paused or not.</summary>
    public static readonly FrozenSet<string> Analysing =
        FrozenSet.Create(StringComparer.Ordinal, Initializing, Shadowing, Progressing, Paused, AwaitingApproval, Completing);

    /// <summary>The operator is moving Deployments or traffic by itself (the Progressing condition is True).</summary>
    public static readonly FrozenSet<string> Moving =
        FrozenSet.Create(StringComparer.Ordinal, Initializing, Shadowing, Progressing, Completing, RollingBack);

    /// <summary>The run is being, or has been, reverted to the original state.</summary>
    public static readonly FrozenSet<string> Reverting = FrozenSet.Create(StringComparer.Ordinal, RollingBack, RolledBack);

    /// <summary>A status without a phase has not started: it counts as <see cref="Pending"/>.</summary>
    public static bool IsIn(FrozenSet<string> set, string? phase) => set.Contains(phase ?? Pending);
}
