namespace PoolOperator.Core;

/// <summary>How a run or a stage in <c>status.history</c> ended.</summary>
internal static class HistoryOutcomes
{
    public const string Passed = "Passed";
    public const string Promoted = "Promoted";
    public const string Completed = "Completed";
    public const string RolledBack = "RolledBack";
    public const string Restarted = "Restarted";
}
