using PoolOperator.Core;

namespace PoolOperator.Controllers;

/// <summary>Which interest caches a round reads: V2's pods for the built-in checks, the routers' objects for traffic.</summary>
internal readonly record struct CacheNeeds(bool Pods, bool Routers)
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

    public bool Covers(CacheNeeds other) => (Pods || !other.Pods) && (Routers || !other.Routers);

    public CacheNeeds Union(CacheNeeds other) => new(Pods || other.Pods, Routers || other.Routers);
}
