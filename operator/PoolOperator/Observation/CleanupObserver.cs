using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Routing.GatewayApi;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.Observation;

/// <summary>
/// Which objects of a completed migration's pending cleanup still exist, read from the caches: the Deployment cache, and
/// the interest caches of HPAs, Services, ConfigMaps and HTTPRoutes, holding only what the cleanup names while it is pending.
/// </summary>
internal sealed class CleanupObserver(
    ClusterObserver observer,
    InterestCache<V1Service> services,
    InterestCache<V1ConfigMap> configMaps,
    InterestCache<HttpRoute> routes)
{
    /// <summary>True while the migration's cleanup has objects left to remove: its rounds then read them.</summary>
    public static bool Pending(PoolMigrationStatus? status) =>
        status is { Phase: Phases.Completed, Cleanup: { FinishedAt: null } cleanup } && cleanup.Objects.Any(o => o.Outcome is null);

    /// <summary>What the caches must hold to tell whether each pending object is still there.</summary>
    public IEnumerable<(IInterestCache Cache, ObjectInterest Interest)> Interests(PoolMigration migration)
    {
        var ns = migration.Metadata.NamespaceProperty;
        foreach (var target in PendingObjects(migration))
        {
            switch (target.Kind)
            {
                case CleanupPolicies.HorizontalPodAutoscaler:
                    // HPAs are cached namespace-wide, as everywhere else (ClusterObserver.Namespace).
                    yield return (observer.Autoscalers, ClusterObserver.Namespace(migration));
                    break;
                case CleanupPolicies.Service:
                    yield return (services, PoolServices.InterestOf(migration));
                    break;
                case CleanupPolicies.ConfigMap:
                    yield return (configMaps, new ObjectInterest(ns, target.Name));
                    break;
                case CleanupPolicies.HttpRoute:
                    yield return (routes, new ObjectInterest(ns, target.Name));
                    break;
            }
        }
    }

    /// <summary>The keys (<see cref="CleanupPolicies.Key"/>) of the pending objects that exist and are not being deleted already.</summary>
    public IReadOnlySet<string> Present(PoolMigration migration)
    {
        var ns = migration.Metadata.NamespaceProperty;
        var routing = migration.Spec.TrafficRouting?.GatewayApi;
        var v1Deployment = migration.Status?.Original?.V1.Deployment ?? migration.Spec.V1.Deployment;
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var target in PendingObjects(migration))
        {
            var exists = target.Kind switch
            {
                CleanupPolicies.Deployment => Live(observer.Deployment(ns, target.Name)),
                // Only while it still scales V1: an HPA pointed elsewhere since is not V1's to delete.
                CleanupPolicies.HorizontalPodAutoscaler => observer.AutoscalersOf(ns, v1Deployment).Any(a => a.Metadata.Name == target.Name && Live(a)),
                CleanupPolicies.Service => Live(services.Get(ns, target.Name)),
                CleanupPolicies.ConfigMap => Live(configMaps.Get(ns, target.Name)),
                CleanupPolicies.HttpRoute => routing is not null && routes.Get(ns, target.Name) is { } route && HttpRouteRules.CanRemoveV1(route.Rules, routing),
                _ => false,
            };
            if (exists)
            {
                present.Add(CleanupPolicies.Key(target.Kind, target.Name));
            }
        }

        return present;
    }

    private static IEnumerable<CleanupObject> PendingObjects(PoolMigration migration) =>
        Pending(migration.Status) ? migration.Status!.Cleanup!.Objects.Where(o => o.Outcome is null) : [];

    private static bool Live(k8s.IKubernetesObject<V1ObjectMeta>? obj) => obj is not null && obj.Metadata.DeletionTimestamp is null;
}
