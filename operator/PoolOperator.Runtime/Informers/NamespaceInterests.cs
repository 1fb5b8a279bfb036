using k8s;
using k8s.Models;

namespace PoolOperator.Runtime.Informers;

/// <summary>The union of every owner's interests in one namespace: what its reflector caches. Immutable.</summary>
internal sealed class NamespaceInterests
{
    private readonly Dictionary<string, List<CompiledInterest>> _byName;
    private readonly List<CompiledInterest> _anyName;
    private readonly HashSet<string> _keys;

    public NamespaceInterests(IEnumerable<CompiledInterest> interests)
    {
        var distinct = interests.DistinctBy(i => i.Key).ToList();
        All = distinct;
        _keys = [.. distinct.Select(i => i.Key)];
        _byName = distinct.Where(i => i.Name is not null).GroupBy(i => i.Name!).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        _anyName = [.. distinct.Where(i => i.Name is null)];
    }

    public static NamespaceInterests None { get; } = new([]);

    public IReadOnlyList<CompiledInterest> All { get; }

    public bool IsEmpty => All.Count == 0;

    public bool Matches(IKubernetesObject<V1ObjectMeta> obj)
    {
        var name = obj.Metadata?.Name;
        if (name is not null && _byName.TryGetValue(name, out var named) && named.Exists(i => i.Matches(obj)))
        {
            return true;
        }

        return _anyName.Exists(i => i.Matches(obj));
    }

    /// <summary>Whether objects <paramref name="interest"/> selects are already cached under these interests.</summary>
    public bool Covers(CompiledInterest interest) =>
        _keys.Contains(interest.Key)
        || (interest.Name is not null && _byName.TryGetValue(interest.Name, out var named) && named.Exists(i => i.Covers(interest)))
        || _anyName.Exists(i => i.Covers(interest));
}
