using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Validation;

/// <summary>
/// The rules for pools scaled by HorizontalPodAutoscalers, which only the cluster reveals: each pool has at most one HPA,
/// none is shared, a V2 under an HPA does not stand at 0 (the HPA would never scale it and the operator leaves its replicas
/// alone), and with an HPA on V1 capacity follows it instead of <c>spec.replicas</c> and its maxReplicas can be split for
/// every weighted stage.
/// </summary>
internal static class AutoscalerValidator
{
    public static IReadOnlyList<SpecProblem> Validate(
        PoolMigrationSpec spec,
        IReadOnlyList<V2HorizontalPodAutoscaler> v1Autoscalers,
        IReadOnlyList<V2HorizontalPodAutoscaler> v2Autoscalers,
        OriginalState? original,
        int? v2Replicas)
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

        if (v2Autoscalers is [var v2Hpa] && v2Replicas == 0)
        {
            errors.Add(new("spec.v2.deployment",
                $"V2 Deployment \"{spec.V2.Deployment}\" stands at 0 replicas and HorizontalPodAutoscaler {Name(v2Hpa)} scales it: an HPA never scales a " +
                $"Deployment at 0, and the operator leaves its replicas to the HPA; give V2 at least the HPA's minReplicas ({v2Hpa.Spec.MinReplicas ?? 1}), " +
                "or leave spec.replicas out of its manifest"));
        }

        if (v1Autoscalers.Count == 0)
        {
            // V2 alone: its floor follows the stages' shares of V1's replicas, which any bounds can take.
            return errors;
        }

        var v1 = v1Autoscalers[0];
        var (min, max) = original?.V1.Autoscaler is { } recorded ? (recorded.MinReplicas, recorded.MaxReplicas) : (v1.Spec.MinReplicas ?? 1, v1.Spec.MaxReplicas);
        if (spec.Replicas is { } replicas)
        {
            errors.Add(new("spec.replicas",
                $"must be unset when a HorizontalPodAutoscaler scales V1 (got {replicas}): capacity follows V1's HPA {Name(v1)} ({min}..{max} replicas)"));
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
