using k8s.Models;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

internal static class ConditionWriter
{
    /// <summary>Sets a metav1.Condition, moving lastTransitionTime only when the status value changes.</summary>
    public static void Set(PoolMigrationStatus status, string type, bool value, string reason, string message, long generation, DateTimeOffset now)
    {
        status.Conditions ??= [];
        var text = value ? "True" : "False";
        var existing = status.Conditions.FirstOrDefault(c => c.Type == type);
        if (existing is null)
        {
            status.Conditions.Add(new V1Condition
            {
                Type = type,
                Status = text,
                Reason = reason,
                Message = message,
                ObservedGeneration = generation,
                LastTransitionTime = now.UtcDateTime,
            });
            return;
        }

        if (existing.Status != text)
        {
            existing.LastTransitionTime = now.UtcDateTime;
        }

        existing.Status = text;
        existing.Reason = reason;
        existing.Message = message;
        existing.ObservedGeneration = generation;
    }

    public static bool IsTrue(PoolMigrationStatus status, string type) =>
        status.Conditions?.FirstOrDefault(c => c.Type == type)?.Status == "True";
}
