using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

/// <summary>
/// Pools scaled by a HorizontalPodAutoscaler. The operator never competes with the HPA for a Deployment's replicas:
/// its lever on such a pool is the HPA's bounds, minReplicas (the capacity the pool is guaranteed) and maxReplicas,
/// set to the stage's share of V1's original bounds. The capacity rules see an autoscaled pool at its floor. The one
/// replica count the operator writes on such a pool is zero and back: an HPA never scales a Deployment that stands at
/// zero, so switching a pool off (V1 after the rollback window) or on (a V2 that started at zero) is a move the HPA
/// itself never makes.
/// </summary>
internal static class Autoscaling
{
    /// <summary>The pool as the capacity rules see it: an autoscaled pool stands at its HPA's floor, or at 0 while switched off.</summary>
    public static DeploymentObservation Lever(DeploymentObservation pool) =>
        pool.Autoscaler is { } hpa && pool.SpecReplicas != 0 ? pool with { SpecReplicas = hpa.MinReplicas } : pool;

    /// <summary>Where a restored pool stands in the capacity rules' terms.</summary>
    public static int OriginalLever(OriginalDeployment original) =>
        original.Autoscaler is { } hpa && original.Replicas != 0 ? hpa.MinReplicas : original.Replicas;

    /// <summary>The stage's share of V1's original maxReplicas for each pool; null when V1 had no HPA.</summary>
    public static (int V1, int V2)? MaximaForStage(OriginalState? original, PlannedStage stage) =>
        original?.V1.Autoscaler is { } hpa ? ReplicaMath.ForStage(hpa.MaxReplicas, stage) : null;

    public static OriginalAutoscaler? Record(AutoscalerObservation? hpa) =>
        hpa is null ? null : new OriginalAutoscaler { Name = hpa.Name, MinReplicas = hpa.MinReplicas, MaxReplicas = hpa.MaxReplicas };
}
