namespace PoolOperator.Client;

/// <summary>Phases of a PoolMigration as published in the flags document.</summary>
public static class RolloutPhases
{
    /// <summary>A rollback is reverting the migration.</summary>
    public const string RollingBack = "RollingBack";

    /// <summary>The migration was rolled back and stays there until a person retries.</summary>
    public const string RolledBack = "RolledBack";

    /// <summary>True for the phases in which every session goes to V1 whatever the percentages say.</summary>
    public static bool IsRollback(string? phase) =>
        string.Equals(phase, RollingBack, StringComparison.Ordinal) || string.Equals(phase, RolledBack, StringComparison.Ordinal);
}
