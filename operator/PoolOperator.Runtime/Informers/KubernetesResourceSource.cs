using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace PoolOperator.Runtime.Informers;

/// <summary>
/// Lists and watches one kind of resource through two calls of KubernetesClient: a list returning a typed list
/// (such as <see cref="V1PodList"/>) or the JSON of a custom-object list, and a watch yielding typed objects or JSON.
/// Items come back as <typeparamref name="T"/> with apiVersion and kind filled in, which list responses leave out.
/// <see cref="ResourceSources"/> builds the ones the operator uses.
/// </summary>
/// <typeparam name="T">The resource's class; JSON is deserialized with <see cref="KubernetesJson"/>.</typeparam>
public sealed class KubernetesResourceSource<T> : IResourceSource<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Func<string?, string?, int, CancellationToken, Task<object>> _list;
    private readonly Func<string?, string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType Type, object Object)>> _watch;

    /// <summary>Creates a source from a list call and a watch call.</summary>
    /// <param name="description">A short name for logs, such as "deployments.apps".</param>
    /// <param name="list">Lists one page: (namespace or null for all, continue token, limit) → the list.</param>
    /// <param name="watch">Watches with bookmarks: (namespace or null for all, resourceVersion, timeout in seconds, error callback) → events.</param>
    public KubernetesResourceSource(
        string description,
        Func<string?, string?, int, CancellationToken, Task<object>> list,
        Func<string?, string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType Type, object Object)>> watch)
    {
        ArgumentException.ThrowIfNullOrEmpty(description);
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(watch);
        Description = description;
        _list = list;
        _watch = watch;
    }

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public async Task<ResourceListPage<T>> ListAsync(string? @namespace, string? continueToken, int limit, CancellationToken cancellationToken)
    {
        var result = await _list(@namespace, continueToken, limit, cancellationToken).ConfigureAwait(false);
        if (result is IItems<T> typed)
        {
            var meta = (result as IMetadata<V1ListMeta>)?.Metadata;
            return new ResourceListPage<T>(
                [.. (typed.Items ?? []).Select(TypeMeta<T>.Fill)],
                meta?.ResourceVersion ?? string.Empty,
                NamespacedName.NullIfEmpty(meta?.ContinueProperty));
        }

        var list = AsJson(result);
        var items = new List<T>();
        if (list.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in array.EnumerateArray())
            {
                items.Add(TypeMeta<T>.Fill(KubernetesJson.Deserialize<T>(item)));
            }
        }

        string? resourceVersion = null;
        string? next = null;
        if (list.TryGetProperty("metadata", out var listMeta) && listMeta.ValueKind == JsonValueKind.Object)
        {
            resourceVersion = GetString(listMeta, "resourceVersion");
            next = GetString(listMeta, "continue");
        }

        return new ResourceListPage<T>(items, resourceVersion ?? string.Empty, NamespacedName.NullIfEmpty(next));
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(
        string? @namespace,
        string resourceVersion,
        int timeoutSeconds,
        Action<Exception> onError,
        CancellationToken cancellationToken) =>
        Typed(_watch(@namespace, resourceVersion, timeoutSeconds, onError, cancellationToken), onError, cancellationToken);

    private static async IAsyncEnumerable<(WatchEventType Type, T Object)> Typed(
        IAsyncEnumerable<(WatchEventType Type, object Object)> raw,
        Action<Exception> onError,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (type, obj) in raw.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            T? typed = obj as T;
            if (typed is null)
            {
                try
                {
                    typed = KubernetesJson.Deserialize<T>(AsJson(obj));
                }
                catch (JsonException ex)
                {
                    // One malformed object must not stop the stream; the same happens inside the client for typed watches.
                    onError(ex);
                }
            }

            if (typed is not null)
            {
                yield return (type, TypeMeta<T>.Fill(typed));
            }
        }
    }

    private static JsonElement AsJson(object value) =>
        value is JsonElement element ? element : KubernetesJson.Deserialize<JsonElement>(KubernetesJson.Serialize(value));

    private static string? GetString(JsonElement obj, string property) =>
        obj.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
