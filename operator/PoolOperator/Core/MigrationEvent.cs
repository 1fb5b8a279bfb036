namespace PoolOperator.Core;

/// <summary>
/// An Event to record. Events with a <see cref="Key"/> mark a milestone that must be recorded exactly once:
/// the reconciler creates them under a name derived from the key, so a repeat after a crash is a no-op.
/// </summary>
internal sealed record MigrationEvent(string Type, string Reason, string Message, string? Key = null)
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
}
