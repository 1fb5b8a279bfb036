using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

/// <summary>
/// Pools scaled by a HorizontalPodAutoscaler. The operator never writes such a pool's replicas, not even to switch it
/// off: its lever is the HPA's bounds, minReplicas (the capacity the pool is guaranteed) and maxReplicas. The capacity
/// rules see an autoscaled pool at its floor. Either pool, or both, may have an HPA; the shares each pool gets are below
/// and in docs/production-pools.md.
/// </summary>
internal static class Autoscaling
{
    /// <summary>
    /// The least an HPA can hold a Deployment at: autoscaling/v2 refuses minReplicas 0 unless the cluster enables the
    /// alpha HPAScaleToZero feature, so a retired V1 under an HPA keeps one replica.
    /// </summary>
    public const int RetiredReplicas = 1;

    /// <summary>The pool as the capacity rules see it: an autoscaled pool stands at its HPA's floor.</summary>
    public static DeploymentObservation Lever(DeploymentObservation pool) =>
        pool.Autoscaler is { } hpa && pool.SpecReplicas != 0 ? pool with { SpecReplicas = hpa.MinReplicas } : pool;

    /// <summary>Where a restored pool stands in the capacity rules' terms.</summary>
    public static int OriginalLever(OriginalDeployment original) =>
        original.Autoscaler is { } hpa && original.Replicas != 0 ? hpa.MinReplicas : original.Replicas;

    /// <summary>Whether V1's HPA holds it at the least it can, which is as retired as a pool under an HPA gets.</summary>
    public static bool Retired(DeploymentObservation pool) =>
        pool.Autoscaler is { MinReplicas: RetiredReplicas, MaxReplicas: RetiredReplicas };

    /// <summary>What became of V1 once it was retired, as status, Events and notifications say it.</summary>
    public static string RetiredV1(bool autoscaled) => autoscaled
        ? $"V1 kept at {RetiredReplicas} replica by its HorizontalPodAutoscaler (bounds {RetiredReplicas}..{RetiredReplicas}: an HPA cannot hold 0)"
        : "V1 scaled to 0";

    /// <summary>The stage's share of V1's original maxReplicas for each pool; null when V1 had no HPA.</summary>
    public static (int V1, int V2)? MaximaForStage(OriginalState? original, PlannedStage stage) =>
        original?.V1.Autoscaler is { } hpa ? ReplicaMath.ForStage(hpa.MaxReplicas, stage) : null;

    /// <summary>
    /// V2's floor and ceiling when only one pool has an HPA (<paramref name="floor"/>..<paramref name="ceiling"/> is what
    /// the stage asks for otherwise; <paramref name="full"/> at 100% and while completing).
    /// V1 alone: V2, which the operator scales, gets the stage's share of the size V1's HPA had chosen when the migration
    /// began (at least V1's floor), so V2 carries the load V1 carried. V2 alone: its HPA's floor is the stage's share of
    /// V1's replicas, never below the floor its owner set, and its ceiling at least that floor; at 100% that share is all
    /// of V1's replicas, which V2's HPA then keeps.
    /// </summary>
    public static (int Floor, int Ceiling) V2ForStage(OriginalState? original, PlannedStage stage, bool full, int floor, int ceiling)
    {
        switch (original)
        {
            case { V1.Autoscaler: { } v1Hpa, V2.Autoscaler: null }:
                var size = Math.Max(original.V1.Replicas, v1Hpa.MinReplicas);
                var share = full ? size : ReplicaMath.ForStage(size, stage).V2;
                return (share, share);
            case { V1.Autoscaler: null, V2.Autoscaler: { } v2Hpa }:
                var guaranteed = Math.Max(v2Hpa.MinReplicas, floor);
                return (guaranteed, Math.Max(v2Hpa.MaxReplicas, guaranteed));
            default:
                return (floor, ceiling);
        }
    }

    public static OriginalAutoscaler? Record(AutoscalerObservation? hpa) =>
        hpa is null ? null : new OriginalAutoscaler { Name = hpa.Name, MinReplicas = hpa.MinReplicas, MaxReplicas = hpa.MaxReplicas };
}
