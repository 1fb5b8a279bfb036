using k8s.Models;
using PoolOperator.Core;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.Observation;

/// <summary>The HorizontalPodAutoscalers and PodDisruptionBudgets that concern a migration's two pools.</summary>
internal static class PoolScaling
{
    public const string AutoscalingGroup = "autoscaling";
    public const string AutoscalersPlural = "horizontalpodautoscalers";
    public const string PolicyGroup = "policy";
    public const string BudgetsPlural = "poddisruptionbudgets";

    /// <summary>autoscaling/v2 where served, else v2beta2 (Kubernetes 1.20–1.22).</summary>
    public static readonly IReadOnlyList<string> AutoscalingVersions = ["v2", "v2beta2"];

    /// <summary>policy/v1 where served, else v1beta1 (Kubernetes 1.20).</summary>
    public static readonly IReadOnlyList<string> PolicyVersions = ["v1", "v1beta1"];

    /// <summary>The HPAs whose scale target is the Deployment <paramref name="deployment"/>.</summary>
    public static IReadOnlyList<V2HorizontalPodAutoscaler> Targeting(IEnumerable<V2HorizontalPodAutoscaler> autoscalers, string deployment) =>
        [.. autoscalers
            .Where(a => a.Metadata.DeletionTimestamp is null
                && a.Spec?.ScaleTargetRef is { Kind: "Deployment" } target
                && target.Name == deployment
                && (target.ApiVersion is null || target.ApiVersion.StartsWith("apps/", StringComparison.Ordinal) || target.ApiVersion.StartsWith("extensions/", StringComparison.Ordinal)))
            .OrderBy(a => a.Metadata.Name, StringComparer.Ordinal)];

    /// <summary>The pool's one HPA as the decision core sees it; null without exactly one (more is a spec problem).</summary>
    public static AutoscalerObservation? Observe(IReadOnlyList<V2HorizontalPodAutoscaler> targeting) =>
        targeting is [var only] ? new AutoscalerObservation(only.Metadata.Name, only.Spec.MinReplicas ?? 1, only.Spec.MaxReplicas) : null;

    /// <summary>The budgets whose selector picks the pods of V1 or V2, by each Deployment's pod template labels.</summary>
    public static IReadOnlyList<DisruptionBudget> Covering(IEnumerable<V1PodDisruptionBudget> budgets, V1Deployment? v1, V1Deployment? v2) =>
        [.. budgets
            .Where(b => b.Metadata.DeletionTimestamp is null && b.Spec?.Selector is not null)
            .Select(b => new DisruptionBudget(
                b.Metadata.Name,
                Covers(b, v1),
                Covers(b, v2),
                b.Spec.MinAvailable?.Value,
                b.Spec.MaxUnavailable?.Value))
            .Where(b => b.CoversV1 || b.CoversV2)
            .OrderBy(b => b.Name, StringComparer.Ordinal)];

    private static bool Covers(V1PodDisruptionBudget budget, V1Deployment? deployment) =>
        deployment?.Spec?.Template?.Metadata?.Labels is { Count: > 0 } labels && LabelSelectors.Matches(budget.Spec.Selector, labels);
}
