using k8s.Models;
using PoolOperator.Core;

namespace PoolOperator.Observation;

/// <summary>The objects a migration touches, as read at the start of a reconcile.</summary>
internal sealed record ObservedWorld(
    V1Deployment? V1Deployment,
    V1Deployment? V2Deployment,
    DeploymentObservation? V1,
    DeploymentObservation? V2);
