namespace PoolOperator.Core;

internal static class ConditionTypes
{
    public const string Ready = "Ready";
    public const string Progressing = "Progressing";
    public const string Healthy = "Healthy";
    public const string Completed = "Completed";
    public const string RolledBack = "RolledBack";
    public const string InvalidSpec = "InvalidSpec";

    /// <summary>
    /// Beyond the contract's list: False while a Service selects V2's pods although V2 must answer nobody (a shadow
    /// stage, or before any weight), so those pods would answer live requests.
    /// </summary>
    public const string TrafficIsolation = "TrafficIsolation";
    /// <summary>Whether the pools' PodDisruptionBudgets fit the stage (reported, never enforced).</summary>
    public const string DisruptionBudgets = "DisruptionBudgets";

    /// <summary>With <c>spec.completion.cleanup.policy: Delete</c>: True once every object the cleanup names is removed.</summary>
    public const string CleanedUp = "CleanedUp";
}
