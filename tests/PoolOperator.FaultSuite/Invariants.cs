namespace PoolOperator.FaultSuite;

/// <summary>The names the checker counts checks and violations under.</summary>
internal static class Invariants
{
    /// <summary>V1 ready + V2 ready never below the capacity every stage promises (the migration's replicas).</summary>
    public const string Capacity = "ready capacity >= promised";

    /// <summary>Weight and stage index move one stage at a time; the run's history has no gap in stage indexes.</summary>
    public const string NoStageSkipped = "weight never skips a stage";

    /// <summary>Once a rollback is recorded it stays: phase RollingBack or RolledBack, status.rollback kept, same run.</summary>
    public const string RollbackKept = "no rollback lost";

    /// <summary>After a rollback neither the weight nor the stage index grows again.</summary>
    public const string NoForwardAfterRollback = "no move forward after rollback";

    public static IReadOnlyList<string> All { get; } = [Capacity, NoStageSkipped, RollbackKept, NoForwardAfterRollback];
}
