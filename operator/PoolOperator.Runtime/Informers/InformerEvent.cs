using k8s;
using k8s.Models;

namespace PoolOperator.Runtime.Informers;

/// <summary>One change seen by a <see cref="ResourceInformer{T}"/>, with the object before and after it.</summary>
/// <param name="Type">Added, Modified or Deleted.</param>
/// <param name="OldObject">The cached object before the change; null for Added.</param>
/// <param name="NewObject">The object after the change; null for Deleted.</param>
public sealed record InformerEvent<T>(InformerEventType Type, T? OldObject, T? NewObject)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The newest known state: the new object, or for a deletion the last cached one.</summary>
    public T Object => NewObject ?? OldObject ?? throw new InvalidOperationException("An informer event carries at least one object.");
}
