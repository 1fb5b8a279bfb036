using k8s;
using k8s.Models;

namespace PoolOperator.Runtime.Informers;

/// <summary>An <see cref="ObjectInterest"/> with its selector in canonical form, comparable by value and cheap to match.</summary>
internal sealed class CompiledInterest
{
    private readonly SortedSet<string> _requirements;

    public CompiledInterest(ObjectInterest interest)
    {
        ArgumentNullException.ThrowIfNull(interest);
        ArgumentException.ThrowIfNullOrEmpty(interest.Namespace, nameof(interest));
        Interest = interest;
        _requirements = LabelSelectors.CanonicalRequirements(interest.Selector);
        Key = $"{interest.Namespace}\n{interest.Name}\n{string.Join("\n", _requirements)}";
    }

    public ObjectInterest Interest { get; }

    public string Namespace => Interest.Namespace;

    public string? Name => Interest.Name;

    /// <summary>Equal for two interests that select the same objects by the same terms.</summary>
    public string Key { get; }

    public bool Matches(IKubernetesObject<V1ObjectMeta> obj)
    {
        var meta = obj.Metadata;
        if (meta is null || meta.NamespaceProperty != Interest.Namespace)
        {
            return false;
        }

        if (Interest.Name is not null && meta.Name != Interest.Name)
        {
            return false;
        }

        return Interest.Selector is null || LabelSelectors.Matches(Interest.Selector, meta.Labels);
    }

    /// <summary>
    /// Whether every object <paramref name="other"/> selects is selected by this interest too: this one names no object
    /// or the same one, and its selector's requirements are a subset of the other's.
    /// </summary>
    public bool Covers(CompiledInterest other) =>
        Namespace == other.Namespace
        && (Name is null || Name == other.Name)
        && _requirements.IsSubsetOf(other._requirements);
}
