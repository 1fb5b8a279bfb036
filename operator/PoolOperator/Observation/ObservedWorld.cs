using k8s.Models;
using PoolOperator.Core;

namespace PoolOperator.Observation;

/// <summary>The objects a migration touches, as read at the start of a reconcile.</summary>
/// <param name="V1Autoscalers">Every HorizontalPodAutoscaler targeting V1's Deployment (one at most is valid).</param>
/// <param name="Budgets">The PodDisruptionBudgets covering either pool's pods.</param>
internal sealed record ObservedWorld(
    V1Deployment? V1Deployment,
    V1Deployment? V2Deployment,
    DeploymentObservation? V1,
    DeploymentObservation? V2,
    IReadOnlyList<V2HorizontalPodAutoscaler> V1Autoscalers,
    IReadOnlyList<V2HorizontalPodAutoscaler> V2Autoscalers,
    IReadOnlyList<DisruptionBudget> Budgets);
