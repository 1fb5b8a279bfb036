using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace PoolOperator.Runtime.Informers;

/// <summary>Lists and watches a namespaced custom resource through the custom-objects API.</summary>
/// <typeparam name="T">The resource's class, deserialized with <see cref="KubernetesJson"/>.</typeparam>
public sealed class CustomResourceSource<T>(
    IKubernetes client,
    string group,
    string version,
    string plural,
    string? labelSelector = null) : IResourceSource<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <inheritdoc/>
    public string Description => $"{plural}.{group}";

    /// <inheritdoc/>
    public async Task<ResourceListPage<T>> ListAsync(
        string? @namespace,
        string? continueToken,
        int limit,
        CancellationToken cancellationToken)
    {
        // Without a namespace the cluster-scoped path lists the resource in every namespace.
        var result = @namespace is null
            ? await client.CustomObjects.ListClusterCustomObjectAsync(
                group,
                version,
                plural,
                continueParameter: continueToken,
                labelSelector: labelSelector,
                limit: limit,
                cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.CustomObjects.ListNamespacedCustomObjectAsync(
                group,
                version,
                @namespace,
                plural,
                continueParameter: continueToken,
                labelSelector: labelSelector,
                limit: limit,
                cancellationToken: cancellationToken).ConfigureAwait(false);

        var list = AsJson(result);
        var items = new List<T>();
        if (list.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in array.EnumerateArray())
            {
                items.Add(KubernetesJson.Deserialize<T>(item));
            }
        }

        string? resourceVersion = null;
        string? next = null;
        if (list.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object)
        {
            resourceVersion = GetString(meta, "resourceVersion");
            next = GetString(meta, "continue");
        }

        return new ResourceListPage<T>(items, resourceVersion ?? string.Empty, NamespacedName.NullIfEmpty(next));
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(
        string? @namespace,
        string resourceVersion,
        int timeoutSeconds,
        Action<Exception> onError,
        CancellationToken cancellationToken)
    {
        var raw = @namespace is null
            ? client.CustomObjects.WatchListClusterCustomObjectAsync(
                group,
                version,
                plural,
                allowWatchBookmarks: true,
                labelSelector: labelSelector,
                resourceVersion: resourceVersion,
                timeoutSeconds: timeoutSeconds,
                onError: onError,
                cancellationToken: cancellationToken)
            : client.CustomObjects.WatchListNamespacedCustomObjectAsync(
                group,
                version,
                @namespace,
                plural,
                allowWatchBookmarks: true,
                labelSelector: labelSelector,
                resourceVersion: resourceVersion,
                timeoutSeconds: timeoutSeconds,
                onError: onError,
                cancellationToken: cancellationToken);
        return Deserialize(raw, onError, cancellationToken);
    }

    private static async IAsyncEnumerable<(WatchEventType Type, T Object)> Deserialize(
        IAsyncEnumerable<(WatchEventType Type, object Object)> raw,
        Action<Exception> onError,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (type, obj) in raw.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            T? typed = null;
            try
            {
                typed = KubernetesJson.Deserialize<T>(AsJson(obj));
            }
            catch (JsonException ex)
            {
                // One malformed object must not stop the stream; the same happens inside the client for typed watches.
                onError(ex);
            }

            if (typed is not null)
            {
                yield return (type, typed);
            }
        }
    }

    private static JsonElement AsJson(object value) =>
        value is JsonElement element ? element : KubernetesJson.Deserialize<JsonElement>(KubernetesJson.Serialize(value));

    private static string? GetString(JsonElement obj, string property) =>
        obj.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
