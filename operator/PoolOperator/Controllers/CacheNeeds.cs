using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Observation;

namespace PoolOperator.Controllers;

/// <summary>
/// Which interest caches a round reads: V2's pods for the built-in checks, the routers' objects for traffic, and the
/// objects a completed migration's cleanup still has to remove.
/// </summary>
internal readonly record struct CacheNeeds(bool Pods, bool Routers, bool Cleanup = false)
{
    public static readonly CacheNeeds None = new(false, false);

    /// <summary>
    /// A finished migration reads nothing; a rolled-back one still reasserts the restored traffic each round, and an
    /// invalid one watches its routers' objects so that creating a missing route wakes it; every other phase reads both
    /// (pods come with the namespace's Services).
    /// </summary>
    public static CacheNeeds In(string? phase) => phase switch
    {
        Phases.Completed => None,
        Phases.RolledBack or Phases.Invalid => new(false, true),
        _ => new(true, true),
    };

    /// <summary>What a round of a migration with <paramref name="status"/> reads: <see cref="In"/> its phase, plus a pending cleanup's objects.</summary>
    public static CacheNeeds Of(PoolMigrationStatus? status) => In(status?.Phase) with { Cleanup = CleanupObserver.Pending(status) };

    public bool Covers(CacheNeeds other) => (Pods || !other.Pods) && (Routers || !other.Routers) && (Cleanup || !other.Cleanup);

    public CacheNeeds Union(CacheNeeds other) => new(Pods || other.Pods, Routers || other.Routers, Cleanup || other.Cleanup);
}
