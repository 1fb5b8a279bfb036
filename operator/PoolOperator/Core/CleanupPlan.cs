using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

/// <summary><c>spec.completion.cleanup</c> with its defaults applied, and the objects it names.</summary>
internal sealed record CleanupPlan(string Policy, TimeSpan Retention, bool DeleteV1Service, bool DeleteFlagsConfigMap, bool RemoveV1RouteBackend)
{
    public bool Deletes => Policy == CleanupPolicies.Delete;

    public static CleanupPlan From(PoolMigrationSpec spec)
    {
        var cleanup = spec.Completion?.Cleanup;
        return new CleanupPlan(
            cleanup?.Policy ?? CleanupPolicies.ScaleToZero,
            TimeSpan.FromSeconds(Math.Max(0, cleanup?.RetentionSeconds ?? 0)),
            cleanup?.DeleteV1Service ?? false,
            cleanup?.DeleteFlagsConfigMap ?? false,
            cleanup?.RemoveV1RouteBackend ?? false);
    }

    /// <summary>
    /// The objects to remove, in the order they go: V1's backendRef leaves the route before V1's Service goes, the HPA goes
    /// with V1's Deployment. Only objects the migration names: V1's Deployment and HPA as the original state recorded
    /// them, the route, V1's Service and the flags ConfigMap as the spec names them.
    /// </summary>
    public IReadOnlyList<CleanupObject> Targets(PoolMigrationSpec spec, OriginalState? original)
    {
        if (!Deletes)
        {
            return [];
        }

        var routing = spec.TrafficRouting;
        var targets = new List<(string Kind, string? Name)>
        {
            (CleanupPolicies.HttpRoute, RemoveV1RouteBackend ? routing?.GatewayApi?.HttpRoute : null),
            (CleanupPolicies.HorizontalPodAutoscaler, original?.V1.Autoscaler?.Name),
            (CleanupPolicies.Deployment, original is { V1.Deployment.Length: > 0 } ? original.V1.Deployment : spec.V1.Deployment),
            (CleanupPolicies.Service, DeleteV1Service ? routing?.GatewayApi?.V1Service : null),
            (CleanupPolicies.ConfigMap, DeleteFlagsConfigMap ? routing?.Flags?.ConfigMap : null),
        };
        return [.. targets.Where(t => !string.IsNullOrEmpty(t.Name)).Select(t => new CleanupObject { Kind = t.Kind, Name = t.Name! })];
    }
}
