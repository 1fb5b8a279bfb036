using k8s;
using k8s.Models;

namespace PoolOperator.Runtime.Informers;

/// <summary>The namespace and name that identify an object; a natural work-queue key.</summary>
/// <param name="Namespace">The namespace, or null for a cluster-scoped object.</param>
/// <param name="Name">The object's name.</param>
public readonly record struct NamespacedName(string? Namespace, string Name)
{
    /// <summary>The key of <paramref name="obj"/>.</summary>
    public static NamespacedName Of(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return new(NullIfEmpty(obj.Metadata?.NamespaceProperty), obj.Metadata?.Name ?? string.Empty);
    }

    /// <summary>"namespace/name", or "name" for a cluster-scoped object.</summary>
    public override string ToString() => Namespace is null ? Name : $"{Namespace}/{Name}";

    internal static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
