using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;

namespace PoolOperator.Runtime.Informers;

/// <summary>The <see cref="KubernetesResourceSource{T}"/>s of the resources the operator watches, optionally filtered by a label selector.</summary>
public static class ResourceSources
{
    /// <summary>apps/v1 Deployments.</summary>
    public static KubernetesResourceSource<V1Deployment> Deployments(IKubernetes client, string? labelSelector = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new(
            "deployments.apps",
            async (ns, continueToken, limit, ct) => ns is null
                ? await client.AppsV1.ListDeploymentForAllNamespacesAsync(continueParameter: continueToken, labelSelector: labelSelector, limit: limit, cancellationToken: ct).ConfigureAwait(false)
                : await client.AppsV1.ListNamespacedDeploymentAsync(ns, continueParameter: continueToken, labelSelector: labelSelector, limit: limit, cancellationToken: ct).ConfigureAwait(false),
            (ns, resourceVersion, timeout, onError, ct) => Boxed(ns is null
                ? client.AppsV1.WatchListDeploymentForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
                : client.AppsV1.WatchListNamespacedDeploymentAsync(ns, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)));
    }

    /// <summary>core/v1 Pods.</summary>
    public static KubernetesResourceSource<V1Pod> Pods(IKubernetes client, string? labelSelector = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new(
            "pods",
            async (ns, continueToken, limit, ct) => ns is null
                ? await client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: continueToken, labelSelector: labelSelector, limit: limit, cancellationToken: ct).ConfigureAwait(false)
                : await client.CoreV1.ListNamespacedPodAsync(ns, continueParameter: continueToken, labelSelector: labelSelector, limit: limit, cancellationToken: ct).ConfigureAwait(false),
            (ns, resourceVersion, timeout, onError, ct) => Boxed(ns is null
                ? client.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
                : client.CoreV1.WatchListNamespacedPodAsync(ns, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)));
    }

    /// <summary>core/v1 ConfigMaps.</summary>
    public static KubernetesResourceSource<V1ConfigMap> ConfigMaps(IKubernetes client, string? labelSelector = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new(
            "configmaps",
            async (ns, continueToken, limit, ct) => ns is null
                ? await client.CoreV1.ListConfigMapForAllNamespacesAsync(continueParameter: continueToken, labelSelector: labelSelector, limit: limit, cancellationToken: ct).ConfigureAwait(false)
                : await client.CoreV1.ListNamespacedConfigMapAsync(ns, continueParameter: continueToken, labelSelector: labelSelector, limit: limit, cancellationToken: ct).ConfigureAwait(false),
            (ns, resourceVersion, timeout, onError, ct) => Boxed(ns is null
                ? client.CoreV1.WatchListConfigMapForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
                : client.CoreV1.WatchListNamespacedConfigMapAsync(ns, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)));
    }

    /// <summary>core/v1 Services.</summary>
    public static KubernetesResourceSource<V1Service> Services(IKubernetes client, string? labelSelector = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new(
            "services",
            async (ns, continueToken, limit, ct) => ns is null
                ? await client.CoreV1.ListServiceForAllNamespacesAsync(continueParameter: continueToken, labelSelector: labelSelector, limit: limit, cancellationToken: ct).ConfigureAwait(false)
                : await client.CoreV1.ListNamespacedServiceAsync(ns, continueParameter: continueToken, labelSelector: labelSelector, limit: limit, cancellationToken: ct).ConfigureAwait(false),
            (ns, resourceVersion, timeout, onError, ct) => Boxed(ns is null
                ? client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
                : client.CoreV1.WatchListNamespacedServiceAsync(ns, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)));
    }

    /// <summary>The namespaced custom resource <paramref name="plural"/>.<paramref name="group"/>/<paramref name="version"/>, through the custom-objects API.</summary>
    public static KubernetesResourceSource<T> CustomResource<T>(IKubernetes client, string group, string version, string plural, string? labelSelector = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(client);
        return new(
            $"{plural}.{group}",
            async (ns, continueToken, limit, ct) => ns is null
                ? await client.CustomObjects.ListClusterCustomObjectAsync(group, version, plural, continueParameter: continueToken, labelSelector: labelSelector, limit: limit, cancellationToken: ct).ConfigureAwait(false)
                : await client.CustomObjects.ListNamespacedCustomObjectAsync(group, version, ns, plural, continueParameter: continueToken, labelSelector: labelSelector, limit: limit, cancellationToken: ct).ConfigureAwait(false),
            (ns, resourceVersion, timeout, onError, ct) => ns is null
                ? client.CustomObjects.WatchListClusterCustomObjectAsync(group, version, plural, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
                : client.CustomObjects.WatchListNamespacedCustomObjectAsync(group, version, ns, plural, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeout, onError: onError, cancellationToken: ct));
    }

    private static async IAsyncEnumerable<(WatchEventType Type, object Object)> Boxed<T>(
        IAsyncEnumerable<(WatchEventType Type, T Object)> events,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (type, obj) in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return (type, obj!);
        }
    }
}
