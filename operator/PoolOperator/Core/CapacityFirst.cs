namespace PoolOperator.Core;

/// <summary>
/// How a forward round moves pods and traffic: traffic only onto a pool with the ready pods to take it, a pool
/// grows at once and shrinks only after the traffic left it, and the actions go out growth, traffic, shrink.
/// </summary>
internal static class CapacityFirst
{
    /// <summary>Moves the traffic to the stage's split when every pool that gains traffic has the ready pods for it.</summary>
    public static void ShiftTrafficWhenReceiverReady(DecisionRound round, StageTargets targets)
    {
        var status = round.Status;
        var (currentWeight, currentShadow) = (status.Weight ?? 0, status.ShadowPercent ?? 0);
        if (currentWeight == targets.Weight && currentShadow == targets.ShadowPercent)
        {
            return;
        }

        // A restart can move traffic both ways at once (weight back to V1, shadow copy onto V2): then both pools must be ready.
        var v2Gains = targets.Weight > currentWeight || targets.ShadowPercent > currentShadow;
        var v1Gains = targets.Weight < currentWeight;
        var (v1, v2) = (round.V1, round.V2);
        var v2Ready = v2.DependableReady >= targets.V2 && v2.SpecReplicas >= targets.V2;
        var v1Ready = v1.DependableReady >= Math.Min(targets.V1, round.Total) && v1.SpecReplicas >= targets.V1;
        if ((!v2Gains || v2Ready) && (!v1Gains || v1Ready))
        {
            status.Weight = targets.Weight;
            status.ShadowPercent = targets.ShadowPercent;
        }
    }

    public static bool TrafficInPlace(DecisionRound round, StageTargets targets) =>
        round.Status.Weight == targets.Weight && round.Status.ShadowPercent == targets.ShadowPercent;

    /// <summary>The router objects that do not yet carry the status' traffic, as seen in the cache at the start of the round.</summary>
    public static IReadOnlyList<RoutedTraffic> NotYetCarried(DecisionRound round) =>
        [.. (round.Input.Routed ?? []).Where(r => r.V2Weight != (round.Status.Weight ?? 0) || r.ShadowPercent != (round.Status.ShadowPercent ?? 0))];

    /// <summary>
    /// The replicas to ask for: a pool grows at once, and shrinks only after the traffic left it for the other
    /// pool and while that pool holds its target ready (a shrink repeated after a crash finds it as it is now).
    /// </summary>
    public static (int V1, int V2) DesiredReplicas(DecisionRound round, StageTargets targets)
    {
        var (v1, v2) = (round.V1, round.V2);
        // Traffic counts as gone from a pool only once every router that can be read back shows it.
        var inPlace = TrafficInPlace(round, targets) && NotYetCarried(round).Count == 0;
        var v2Desired = inPlace && v1.DependableReady >= targets.V1 ? targets.V2 : Math.Max(v2.SpecReplicas, targets.V2);
        var v1Desired = inPlace && v2.DependableReady >= targets.V2 ? targets.V1 : Math.Max(v1.SpecReplicas, targets.V1);
        return (v1Desired, v2Desired);
    }

    /// <summary>The ceilings for pools an HPA scales, by the same rule: raised at once, lowered only after the traffic left the pool.</summary>
    public static (int V1, int V2) DesiredMaxima(DecisionRound round, StageTargets targets)
    {
        var (v1, v2) = (round.V1, round.V2);
        var inPlace = TrafficInPlace(round, targets) && NotYetCarried(round).Count == 0;
        var v2Max = inPlace && v1.DependableReady >= targets.V1 ? targets.V2Max : Math.Max(v2.Autoscaler?.MaxReplicas ?? 0, targets.V2Max);
        var v1Max = inPlace && v2.DependableReady >= targets.V2 ? targets.V1Max : Math.Max(v1.Autoscaler?.MaxReplicas ?? 0, targets.V1Max);
        return (v1Max, v2Max);
    }

    /// <summary>The stage is ready once its traffic is in place (and read back from every router that can show it) and both pools stand at their targets with the pods ready.</summary>
    public static bool StageInPlace(DecisionRound round, StageTargets targets)
    {
        var (v1, v2) = (round.V1, round.V2);
        return TrafficInPlace(round, targets) && NotYetCarried(round).Count == 0 && v2.SpecReplicas == targets.V2 && v1.SpecReplicas == targets.V1
            && v2.DependableReady >= targets.V2 && v1.DependableReady >= Math.Min(targets.V1, v1.SpecReplicas);
    }

    /// <summary>Growth first, then the traffic, then shrinking: a pool only loses pods after the traffic has left it.</summary>
    /// <param name="maxima">The ceilings for pools an HPA scales (<see cref="DesiredMaxima"/>).</param>
    public static void Emit(DecisionRound round, (int V1, int V2) desired, (int V1, int V2) maxima)
    {
        var (v1, v2) = (round.V1, round.V2);
        var (v1Grows, v2Grows) = (Grows(v1, desired.V1, maxima.V1), Grows(v2, desired.V2, maxima.V2));
        if (v2Grows)
        {
            round.Scale(v2, desired.V2, maxima.V2);
        }

        if (v1Grows)
        {
            round.Scale(v1, desired.V1, maxima.V1);
        }

        RouteOnly(round);
        if (!v2Grows)
        {
            round.Scale(v2, desired.V2, maxima.V2);
        }

        if (!v1Grows)
        {
            round.Scale(v1, desired.V1, maxima.V1);
        }
    }

    /// <summary>The status' traffic, with no pool resized.</summary>
    public static void RouteOnly(DecisionRound round) =>
        round.Route(TrafficState.Shift(round.Status.Weight ?? 0, round.Status.ShadowPercent ?? 0, round.Status.Phase ?? Phases.Pending));

    // A pool whose floor rises, or whose HPA ceiling rises while its floor holds, gains capacity: that goes before the traffic.
    private static bool Grows(DeploymentObservation pool, int replicas, int maxReplicas) =>
        replicas > pool.SpecReplicas || (pool.Autoscaler is { } hpa && replicas == pool.SpecReplicas && maxReplicas > hpa.MaxReplicas);
}
