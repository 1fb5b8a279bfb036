using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.IntegrationTests.Runtime;

/// <summary>
/// Passes list and watch through to a real source, but lets a test cut the running watch, hold the reconnect while it
/// changes things, and choose the resourceVersion the reconnect asks for (an expired one provokes a real 410).
/// </summary>
internal sealed class InterruptibleSource<T>(IResourceSource<T> inner) : IResourceSource<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private CancellationTokenSource? _current;
    private TaskCompletionSource? _hold;
    private string? _forcedResourceVersion;

    public string Description => inner.Description;

    public ConcurrentQueue<string> WatchedFrom { get; } = new();

    public Task<ResourceListPage<T>> ListAsync(string? @namespace, string? continueToken, int limit, CancellationToken cancellationToken) =>
        inner.ListAsync(@namespace, continueToken, limit, cancellationToken);

    public IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(
        string? @namespace,
        string resourceVersion,
        int timeoutSeconds,
        Action<Exception> onError,
        CancellationToken cancellationToken) =>
        PassThrough(@namespace, resourceVersion, timeoutSeconds, onError, cancellationToken);

    /// <summary>Ends the running watch as if the server closed it, and holds the next one until <see cref="Release"/>.</summary>
    public void CutAndHold()
    {
        Volatile.Write(ref _hold, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Volatile.Read(ref _current)?.Cancel();
    }

    /// <summary>Lets the held watch start, from <paramref name="resourceVersion"/> when given.</summary>
    public void Release(string? resourceVersion)
    {
        Volatile.Write(ref _forcedResourceVersion, resourceVersion);
        Interlocked.Exchange(ref _hold, null)?.SetResult();
    }

    private async IAsyncEnumerable<(WatchEventType Type, T Object)> PassThrough(
        string? @namespace,
        string resourceVersion,
        int timeoutSeconds,
        Action<Exception> onError,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _hold) is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        var from = Interlocked.Exchange(ref _forcedResourceVersion, null) ?? resourceVersion;
        WatchedFrom.Enqueue(from);
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Volatile.Write(ref _current, cut);
        await using var events = inner.WatchAsync(@namespace, from, timeoutSeconds, onError, cut.Token).GetAsyncEnumerator(cut.Token);
        while (true)
        {
            bool more;
            try
            {
                more = await events.MoveNextAsync();
            }
            catch (Exception) when (cut.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                yield break;
            }

            if (!more)
            {
                yield break;
            }

            yield return events.Current;
        }
    }
}
