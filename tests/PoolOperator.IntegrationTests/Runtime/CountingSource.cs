using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.IntegrationTests.Runtime;

/// <summary>Passes list and watch through to a real source, counting lists per namespace and the watches open right now.</summary>
internal sealed class CountingSource<T>(IResourceSource<T> inner) : IResourceSource<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentDictionary<string, int> _lists = new();
    private int _openWatches;

    public string Description => inner.Description;

    public int OpenWatches => Volatile.Read(ref _openWatches);

    /// <summary>Full lists (first pages) of <paramref name="namespace"/> so far.</summary>
    public int ListsOf(string @namespace) => _lists.GetValueOrDefault(@namespace);

    public Task<ResourceListPage<T>> ListAsync(string? @namespace, string? continueToken, int limit, CancellationToken cancellationToken)
    {
        if (continueToken is null)
        {
            _lists.AddOrUpdate(@namespace ?? string.Empty, 1, (_, n) => n + 1);
        }

        return inner.ListAsync(@namespace, continueToken, limit, cancellationToken);
    }

    public IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(
        string? @namespace,
        string resourceVersion,
        int timeoutSeconds,
        Action<Exception> onError,
        CancellationToken cancellationToken) =>
        Count(inner.WatchAsync(@namespace, resourceVersion, timeoutSeconds, onError, cancellationToken), cancellationToken);

    private async IAsyncEnumerable<(WatchEventType Type, T Object)> Count(
        IAsyncEnumerable<(WatchEventType Type, T Object)> events,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _openWatches);
        try
        {
            await foreach (var item in events.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _openWatches);
        }
    }
}
