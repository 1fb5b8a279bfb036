using System.Collections.Concurrent;
using System.Collections.Immutable;
using k8s;
using k8s.Models;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.Observation;

/// <summary>
/// The newest state this process knows of each object: the informer's copy, or what this process itself wrote while
/// the informer still shows a version that write replaced. Without it a round that follows a write closely decides
/// from the older copy and writes again (or, for a status, fails with 409 Conflict).
/// </summary>
internal sealed class LatestKnown<T>(Func<string, string, T?> cached)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentDictionary<NamespacedName, Written> written = new();

    /// <summary>The object <paramref name="namespace"/>/<paramref name="name"/> as newest known, or null when the cache does not hold it.</summary>
    public T? Get(string @namespace, string name)
    {
        var fromCache = cached(@namespace, name);
        var key = new NamespacedName(@namespace, name);
        if (!written.TryGetValue(key, out var entry))
        {
            return fromCache;
        }

        if (fromCache?.Metadata?.ResourceVersion is { } version && entry.Replaced.Contains(version))
        {
            return entry.Object;
        }

        // The cache caught up (or moved past what was written, or lost the object): it is the truth again.
        written.TryRemove(new KeyValuePair<NamespacedName, Written>(key, entry));
        return fromCache;
    }

    /// <summary>
    /// Remembers <paramref name="result"/> (the apiserver's answer to a write, or a fresh read) as newer than <paramref name="basedOn"/>,
    /// and than everything <paramref name="basedOn"/> itself superseded.
    /// </summary>
    public void Supersede(T? basedOn, T result)
    {
        var key = NamespacedName.Of(result);
        written.AddOrUpdate(
            key,
            _ => new Written(result, Versions(basedOn, ImmutableHashSet<string>.Empty)),
            (_, previous) => new Written(result, Versions(basedOn, previous.Replaced)));
    }

    public void Forget(string @namespace, string name) => written.TryRemove(new NamespacedName(@namespace, name), out _);

    private static ImmutableHashSet<string> Versions(T? basedOn, ImmutableHashSet<string> earlier) =>
        basedOn?.Metadata?.ResourceVersion is { Length: > 0 } version ? earlier.Add(version) : earlier;

    /// <summary>What was written, and every resourceVersion it supersedes.</summary>
    private sealed record Written(T Object, ImmutableHashSet<string> Replaced);
}
