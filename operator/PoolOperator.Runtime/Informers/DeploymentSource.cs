using k8s;
using k8s.Models;

namespace PoolOperator.Runtime.Informers;

/// <summary>Lists and watches apps/v1 Deployments, optionally filtered by a label selector.</summary>
public sealed class DeploymentSource(IKubernetes client, string? labelSelector = null) : IResourceSource<V1Deployment>
{
    /// <inheritdoc/>
    public string Description => "deployments.apps";

    /// <inheritdoc/>
    public async Task<ResourceListPage<V1Deployment>> ListAsync(
        string? @namespace,
        string? continueToken,
        int limit,
        CancellationToken cancellationToken)
    {
        var list = @namespace is null
            ? await client.AppsV1.ListDeploymentForAllNamespacesAsync(
                continueParameter: continueToken,
                labelSelector: labelSelector,
                limit: limit,
                cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.AppsV1.ListNamespacedDeploymentAsync(
                @namespace,
                continueParameter: continueToken,
                labelSelector: labelSelector,
                limit: limit,
                cancellationToken: cancellationToken).ConfigureAwait(false);

        return new ResourceListPage<V1Deployment>(
            [.. list.Items.Select(TypeMeta<V1Deployment>.Fill)],
            list.Metadata?.ResourceVersion ?? string.Empty,
            NamespacedName.NullIfEmpty(list.Metadata?.ContinueProperty));
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<(WatchEventType Type, V1Deployment Object)> WatchAsync(
        string? @namespace,
        string resourceVersion,
        int timeoutSeconds,
        Action<Exception> onError,
        CancellationToken cancellationToken) =>
        @namespace is null
            ? client.AppsV1.WatchListDeploymentForAllNamespacesAsync(
                allowWatchBookmarks: true,
                labelSelector: labelSelector,
                resourceVersion: resourceVersion,
                timeoutSeconds: timeoutSeconds,
                onError: onError,
                cancellationToken: cancellationToken)
            : client.AppsV1.WatchListNamespacedDeploymentAsync(
                @namespace,
                allowWatchBookmarks: true,
                labelSelector: labelSelector,
                resourceVersion: resourceVersion,
                timeoutSeconds: timeoutSeconds,
                onError: onError,
                cancellationToken: cancellationToken);
}
