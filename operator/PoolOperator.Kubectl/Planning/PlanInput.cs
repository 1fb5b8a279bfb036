using k8s.Models;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Kubectl.Planning;

/// <summary>Everything the preflight judges, as read from the cluster and the check endpoints.</summary>
internal sealed record PlanInput(
    PoolMigration Migration,
    string Namespace,
    V1Deployment? V1,
    V1Deployment? V2,
    IReadOnlyList<V1Service> Services,
    bool FlagsConfigMapExists,
    HttpRouteObservation? HttpRoute,
    IReadOnlyList<V1ResourceQuota> Quotas,
    IReadOnlyList<ProbeResult> Probes);

/// <summary>The HTTPRoute as far as the preflight needs it; <see cref="ApiInstalled"/> false when the Gateway API is missing.</summary>
internal sealed record HttpRouteObservation(bool ApiInstalled, bool Exists, IReadOnlyList<string> BackendServices);
