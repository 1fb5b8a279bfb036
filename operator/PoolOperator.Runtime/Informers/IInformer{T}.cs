using k8s;
using k8s.Models;

namespace PoolOperator.Runtime.Informers;

/// <summary>An informer whose cache changes can be subscribed to, as a <see cref="Controller{TKey}"/> does.</summary>
/// <typeparam name="T">The resource type.</typeparam>
public interface IInformer<T> : IInformer
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Raised after the cache changed, once per object added, modified or deleted.</summary>
    event Action<InformerEvent<T>>? Changed;
}
