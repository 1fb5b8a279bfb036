namespace PoolOperator.Core;

internal static class ConditionTypes
{
    public const string Ready = "Ready";
    public const string Progressing = "Progressing";
    public const string Healthy = "Healthy";
    public const string Completed = "Completed";
    public const string RolledBack = "RolledBack";
    public const string InvalidSpec = "InvalidSpec";

    /// <summary>Whether the pools' PodDisruptionBudgets fit the stage (reported, never enforced).</summary>
    public const string DisruptionBudgets = "DisruptionBudgets";
}
