using k8s;
using k8s.Models;

namespace PoolOperator.Runtime.Informers;

/// <summary>How a <see cref="ResourceInformer{T}"/> lists and watches one kind of resource.</summary>
/// <typeparam name="T">The resource type.</typeparam>
public interface IResourceSource<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>A short name for logs, such as "deployments.apps".</summary>
    string Description { get; }

    /// <summary>Lists one page in <paramref name="namespace"/> (null: all namespaces).</summary>
    Task<ResourceListPage<T>> ListAsync(string? @namespace, string? continueToken, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Watches <paramref name="namespace"/> (null: all namespaces) from <paramref name="resourceVersion"/> with bookmarks;
    /// ERROR events (such as 410 Gone) reach <paramref name="onError"/> as exceptions.
    /// </summary>
    IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(
        string? @namespace,
        string resourceVersion,
        int timeoutSeconds,
        Action<Exception> onError,
        CancellationToken cancellationToken);
}
