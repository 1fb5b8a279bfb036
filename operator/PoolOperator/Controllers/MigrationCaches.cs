using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Observation;
using PoolOperator.Routing;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.Controllers;

/// <summary>
/// Declares, per migration, what the interest caches must hold for the round at hand (V2's pods and the namespace's
/// Services, each configured router's objects), and tells whether those caches are complete for the migration's namespace.
/// </summary>
internal sealed class MigrationCaches(MigrationInterests interests, ClusterObserver observer, PoolServices services, CleanupObserver cleanup, IEnumerable<ITrafficRouter> routers)
{
    private readonly ITrafficRouter[] routers = [.. routers];

    /// <summary>Every cache a migration may declare interests in, for the controller to run and to map changes from.</summary>
    public IEnumerable<IInterestCache> All =>
        new IInterestCache[] { observer.Pods, services.Cache, observer.Autoscalers, observer.Budgets }.Concat(routers.Select(r => r.Cache)).Distinct();

    public IReadOnlyList<ITrafficRouter> ConfiguredRouters(PoolMigration migration) =>
        [.. routers.Where(r => r.IsConfigured(migration.Spec))];

    /// <summary>Declares what <paramref name="migration"/> needs cached; true when every cache it reads is complete.</summary>
    public bool Declare(PoolMigration migration, CacheNeeds needs)
    {
        var wanted = new Dictionary<IInterestCache, List<ObjectInterest>>();
        void Add(IInterestCache cache, IEnumerable<ObjectInterest> more)
        {
            if (!wanted.TryGetValue(cache, out var list))
            {
                wanted[cache] = list = [];
            }

            list.AddRange(more);
        }

        var ns = migration.Metadata.NamespaceProperty;
        if (needs.Pods && ClusterObserver.PodsOf(observer.Deployment(ns, migration.Spec.V2.Deployment)) is { } pods)
        {
            Add(observer.Pods, [pods]);
            Add(services.Cache, [PoolServices.InterestOf(migration)]);
        }

        // Whatever the phase (an invalid spec may be one an HPA makes invalid), until the migration is finished for good.
        if (migration.Status?.Phase != Core.Phases.Completed)
        {
            Add(observer.Autoscalers, [ClusterObserver.Namespace(migration)]);
            Add(observer.Budgets, [ClusterObserver.Namespace(migration)]);
        }

        if (needs.Routers)
        {
            foreach (var router in ConfiguredRouters(migration))
            {
                Add(router.Cache, router.Interests(migration));
            }
        }

        if (needs.Cleanup)
        {
            foreach (var (cache, interest) in cleanup.Interests(migration))
            {
                Add(cache, [interest]);
            }
        }

        var key = NamespacedName.Of(migration);
        interests.Declare(key, wanted.ToDictionary(e => e.Key, e => (IReadOnlyCollection<ObjectInterest>)e.Value.Distinct().ToList()));
        return wanted.Keys.All(cache => cache.IsSynced(ns));
    }

    public void Release(NamespacedName migration) => interests.Release(migration);

    /// <summary>
    /// Declares what every one of <paramref name="migrations"/> needs, as its first round will, while the caches hold
    /// their lists back: after a start that costs one list per namespace and cache, not a relist per migration.
    /// </summary>
    public void DeclareAll(IEnumerable<PoolMigration> migrations)
    {
        var holds = All.Select(cache => cache.HoldLists()).ToList();
        try
        {
            foreach (var migration in migrations)
            {
                var needs = migration.Metadata.DeletionTimestamp is not null
                    ? MigrationFinalizer.Needs
                    : CacheNeeds.Of(migration.Status);
                Declare(migration, needs);
            }
        }
        finally
        {
            holds.ForEach(hold => hold.Dispose());
        }
    }

    /// <summary>Completes once every cache a migration may read has listed what was declared.</summary>
    public Task WaitForSyncAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(All.Select(cache => cache.WaitForSyncAsync(cancellationToken)));
}
