using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.Observation;

/// <summary>
/// What each migration asked to have cached, per cache, so the caches hold only those objects and a change of one
/// of them wakes exactly the migrations that asked for it. The owner of a migration's interests is its namespace/name.
/// </summary>
internal sealed class MigrationInterests
{
    private readonly ConcurrentDictionary<NamespacedName, IReadOnlyDictionary<IInterestCache, IReadOnlyCollection<ObjectInterest>>> declared = new();
    private readonly Lock gate = new();

    /// <summary>Replaces everything <paramref name="migration"/> wants cached; caches it no longer names are released.</summary>
    public void Declare(NamespacedName migration, IReadOnlyDictionary<IInterestCache, IReadOnlyCollection<ObjectInterest>> interests)
    {
        var owner = migration.ToString();
        lock (gate)
        {
            declared.TryGetValue(migration, out var before);
            foreach (var (cache, wanted) in interests)
            {
                cache.SetInterests(owner, wanted);
            }

            foreach (var cache in (before?.Keys ?? []).Where(c => !interests.ContainsKey(c)))
            {
                cache.Release(owner);
            }

            if (interests.Count == 0)
            {
                declared.TryRemove(migration, out _);
            }
            else
            {
                declared[migration] = interests;
            }
        }
    }

    public void Release(NamespacedName migration) => Declare(migration, new Dictionary<IInterestCache, IReadOnlyCollection<ObjectInterest>>());

    /// <summary>The caches <paramref name="migration"/> has interests in.</summary>
    public IReadOnlyCollection<IInterestCache> CachesOf(NamespacedName migration) =>
        declared.TryGetValue(migration, out var interests) ? [.. interests.Keys] : [];

    /// <summary>The migrations with an interest in <paramref name="cache"/> that <paramref name="obj"/> matches.</summary>
    public IEnumerable<NamespacedName> Interested(IInterestCache cache, IKubernetesObject<V1ObjectMeta> obj) =>
        declared
            .Where(entry => entry.Value.TryGetValue(cache, out var interests) && interests.Any(i => Matches(i, obj)))
            .Select(entry => entry.Key)
            .ToList();

    internal static bool Matches(ObjectInterest interest, IKubernetesObject<V1ObjectMeta> obj) =>
        obj.Metadata is { } meta
        && meta.NamespaceProperty == interest.Namespace
        && (interest.Name is null || meta.Name == interest.Name)
        && (interest.Selector is null || LabelSelectors.Matches(interest.Selector, meta.Labels));
}
