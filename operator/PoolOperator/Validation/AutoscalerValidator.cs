using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Validation;

/// <summary>
/// The rules for pools scaled by HorizontalPodAutoscalers, which only the cluster reveals: each pool has at most one HPA,
/// none is shared, both pools have one or neither does (V2's HPA takes V1's bounds at completion), capacity then follows
/// V1's HPA instead of <c>spec.replicas</c>, and V1's maxReplicas can be split for every weighted stage.
/// </summary>
internal static class AutoscalerValidator
{
    public static IReadOnlyList<SpecProblem> Validate(
        PoolMigrationSpec spec,
        IReadOnlyList<V2HorizontalPodAutoscaler> v1Autoscalers,
        IReadOnlyList<V2HorizontalPodAutoscaler> v2Autoscalers,
        OriginalState? original)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<SpecProblem>();
        var shared = v1Autoscalers.Select(Name).Intersect(v2Autoscalers.Select(Name)).ToList();
        if (shared.Count > 0)
        {
            errors.Add(new("spec.v2.deployment", $"HorizontalPodAutoscaler {string.Join(", ", shared)} targets both pools; each pool needs its own"));
            return errors;
        }

        OnePerPool("spec.v1.deployment", spec.V1.Deployment, v1Autoscalers, errors);
        OnePerPool("spec.v2.deployment", spec.V2.Deployment, v2Autoscalers, errors);
        if (errors.Count > 0 || (v1Autoscalers.Count == 0 && v2Autoscalers.Count == 0))
        {
            return errors;
        }

        if (v2Autoscalers.Count == 0)
        {
            errors.Add(new("spec.v2.deployment",
                $"V1 Deployment \"{spec.V1.Deployment}\" is scaled by HorizontalPodAutoscaler {Name(v1Autoscalers[0])} but V2 Deployment \"{spec.V2.Deployment}\" " +
                "has none; give V2 its own HorizontalPodAutoscaler (it takes V1's bounds at completion), or remove V1's"));
            return errors;
        }

        if (v1Autoscalers.Count == 0)
        {
            errors.Add(new("spec.v1.deployment",
                $"V2 Deployment \"{spec.V2.Deployment}\" is scaled by HorizontalPodAutoscaler {Name(v2Autoscalers[0])} but V1 Deployment \"{spec.V1.Deployment}\" " +
                "has none; the stages share out V1's HPA bounds, so give V1 one too, or remove V2's"));
            return errors;
        }

        var v1 = v1Autoscalers[0];
        var (min, max) = original?.V1.Autoscaler is { } recorded ? (recorded.MinReplicas, recorded.MaxReplicas) : (v1.Spec.MinReplicas ?? 1, v1.Spec.MaxReplicas);
        if (spec.Replicas is { } replicas)
        {
            errors.Add(new("spec.replicas",
                $"must be unset when HorizontalPodAutoscalers scale the pools (got {replicas}): capacity follows V1's HPA {Name(v1)} ({min}..{max} replicas)"));
        }

        for (var i = 0; i < spec.Stages.Count; i++)
        {
            var weight = spec.Stages[i].Weight ?? 0;
            if (weight is > 0 and < 100 && max - ReplicaMath.CeilShare(max, weight) < 1)
            {
                errors.Add(new($"spec.stages[{i}].weight",
                    $"V1's HorizontalPodAutoscaler {Name(v1)} has maxReplicas {max}, which cannot be split for weight {weight}: V2's share would take " +
                    $"all {max} and leave none to V1, which still serves {100 - weight}%; raise maxReplicas to at least {SmallestSplittable(weight)} or lower the weight"));
            }
        }

        return errors;
    }

    private static void OnePerPool(string field, string deployment, IReadOnlyList<V2HorizontalPodAutoscaler> autoscalers, List<SpecProblem> errors)
    {
        if (autoscalers.Count > 1)
        {
            errors.Add(new(field,
                $"HorizontalPodAutoscalers {string.Join(", ", autoscalers.Select(Name))} all target Deployment \"{deployment}\"; a migrated pool may have one"));
        }
    }

    private static int SmallestSplittable(int weight)
    {
        var max = 2;
        while (max - ReplicaMath.CeilShare(max, weight) < 1)
        {
            max++;
        }

        return max;
    }

    private static string Name(V2HorizontalPodAutoscaler autoscaler) => autoscaler.Metadata.Name;
}
