using k8s;
using k8s.Models;

namespace PoolOperator.Runtime.Informers;

/// <summary>Lists and watches core/v1 Pods, optionally filtered by a label selector.</summary>
public sealed class PodSource(IKubernetes client, string? labelSelector = null) : IResourceSource<V1Pod>
{
    /// <inheritdoc/>
    public string Description => "pods";

    /// <inheritdoc/>
    public async Task<ResourceListPage<V1Pod>> ListAsync(
        string? @namespace,
        string? continueToken,
        int limit,
        CancellationToken cancellationToken)
    {
        var list = @namespace is null
            ? await client.CoreV1.ListPodForAllNamespacesAsync(
                continueParameter: continueToken,
                labelSelector: labelSelector,
                limit: limit,
                cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.CoreV1.ListNamespacedPodAsync(
                @namespace,
                continueParameter: continueToken,
                labelSelector: labelSelector,
                limit: limit,
                cancellationToken: cancellationToken).ConfigureAwait(false);

        return new ResourceListPage<V1Pod>(
            [.. list.Items.Select(TypeMeta<V1Pod>.Fill)],
            list.Metadata?.ResourceVersion ?? string.Empty,
            NamespacedName.NullIfEmpty(list.Metadata?.ContinueProperty));
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<(WatchEventType Type, V1Pod Object)> WatchAsync(
        string? @namespace,
        string resourceVersion,
        int timeoutSeconds,
        Action<Exception> onError,
        CancellationToken cancellationToken) =>
        @namespace is null
            ? client.CoreV1.WatchListPodForAllNamespacesAsync(
                allowWatchBookmarks: true,
                labelSelector: labelSelector,
                resourceVersion: resourceVersion,
                timeoutSeconds: timeoutSeconds,
                onError: onError,
                cancellationToken: cancellationToken)
            : client.CoreV1.WatchListNamespacedPodAsync(
                @namespace,
                allowWatchBookmarks: true,
                labelSelector: labelSelector,
                resourceVersion: resourceVersion,
                timeoutSeconds: timeoutSeconds,
                onError: onError,
                cancellationToken: cancellationToken);
}
