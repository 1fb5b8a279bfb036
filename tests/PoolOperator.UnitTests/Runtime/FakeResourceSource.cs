using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.UnitTests.Runtime;

/// <summary>A scripted list/watch source: the test sets what lists return and feeds each watch by hand.</summary>
internal sealed class FakeResourceSource : IResourceSource<V1ConfigMap>
{
    private readonly ConcurrentDictionary<string, List<V1ConfigMap>> _objects = new();
    private int _version = 100;

    public string Description => "configmaps";

    public ConcurrentQueue<(string? Namespace, string? Continue)> Lists { get; } = new();

    public ConcurrentQueue<FakeWatch> Watches { get; } = new();

    /// <summary>Items per list page; lists are split into pages of this size.</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>When set, a list of a namespace for which it returns an exception fails with it.</summary>
    public Func<string?, Exception?>? ListFailure { get; set; }

    public void Set(string? @namespace, params V1ConfigMap[] items) => _objects[@namespace ?? "*"] = [.. items];

    public Task<ResourceListPage<V1ConfigMap>> ListAsync(string? @namespace, string? continueToken, int limit, CancellationToken cancellationToken)
    {
        Lists.Enqueue((@namespace, continueToken));
        if (ListFailure?.Invoke(@namespace) is { } failure)
        {
            return Task.FromException<ResourceListPage<V1ConfigMap>>(failure);
        }

        var all = _objects.GetValueOrDefault(@namespace ?? "*") ?? [];
        var start = continueToken is null ? 0 : int.Parse(continueToken, System.Globalization.CultureInfo.InvariantCulture);
        var page = all.Skip(start).Take(PageSize).ToList();
        var next = start + PageSize < all.Count ? (start + PageSize).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return Task.FromResult(new ResourceListPage<V1ConfigMap>(page, Interlocked.Increment(ref _version).ToString(System.Globalization.CultureInfo.InvariantCulture), next));
    }

    public IAsyncEnumerable<(WatchEventType Type, V1ConfigMap Object)> WatchAsync(
        string? @namespace,
        string resourceVersion,
        int timeoutSeconds,
        Action<Exception> onError,
        CancellationToken cancellationToken)
    {
        var watch = new FakeWatch(@namespace, resourceVersion, onError, cancellationToken);
        Watches.Enqueue(watch);
        return watch.ReadAsync(cancellationToken);
    }

    public static V1ConfigMap Object(string? @namespace, string name, string resourceVersion) =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace, ResourceVersion = resourceVersion } };

    public static V1ConfigMap Labelled(string @namespace, string name, string resourceVersion, params (string Key, string Value)[] labels) =>
        new()
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = @namespace,
                ResourceVersion = resourceVersion,
                Labels = labels.ToDictionary(l => l.Key, l => l.Value),
            },
        };

    public static V1ConfigMap Bookmark(string resourceVersion) =>
        new() { Metadata = new V1ObjectMeta { ResourceVersion = resourceVersion } };
}
