using k8s;
using k8s.Models;

namespace PoolOperator.Runtime.Informers;

/// <summary>Lists and watches core/v1 ConfigMaps, optionally filtered by a label selector.</summary>
public sealed class ConfigMapSource(IKubernetes client, string? labelSelector = null) : IResourceSource<V1ConfigMap>
{
    /// <inheritdoc/>
    public string Description => "configmaps";

    /// <inheritdoc/>
    public async Task<ResourceListPage<V1ConfigMap>> ListAsync(
        string? @namespace,
        string? continueToken,
        int limit,
        CancellationToken cancellationToken)
    {
        var list = @namespace is null
            ? await client.CoreV1.ListConfigMapForAllNamespacesAsync(
                continueParameter: continueToken,
                labelSelector: labelSelector,
                limit: limit,
                cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.CoreV1.ListNamespacedConfigMapAsync(
                @namespace,
                continueParameter: continueToken,
                labelSelector: labelSelector,
                limit: limit,
                cancellationToken: cancellationToken).ConfigureAwait(false);

        return new ResourceListPage<V1ConfigMap>(
            [.. list.Items.Select(TypeMeta<V1ConfigMap>.Fill)],
            list.Metadata?.ResourceVersion ?? string.Empty,
            NamespacedName.NullIfEmpty(list.Metadata?.ContinueProperty));
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<(WatchEventType Type, V1ConfigMap Object)> WatchAsync(
        string? @namespace,
        string resourceVersion,
        int timeoutSeconds,
        Action<Exception> onError,
        CancellationToken cancellationToken) =>
        @namespace is null
            ? client.CoreV1.WatchListConfigMapForAllNamespacesAsync(
                allowWatchBookmarks: true,
                labelSelector: labelSelector,
                resourceVersion: resourceVersion,
                timeoutSeconds: timeoutSeconds,
                onError: onError,
                cancellationToken: cancellationToken)
            : client.CoreV1.WatchListNamespacedConfigMapAsync(
                @namespace,
                allowWatchBookmarks: true,
                labelSelector: labelSelector,
                resourceVersion: resourceVersion,
                timeoutSeconds: timeoutSeconds,
                onError: onError,
                cancellationToken: cancellationToken);
}
