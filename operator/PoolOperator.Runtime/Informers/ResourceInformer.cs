using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace PoolOperator.Runtime.Informers;

/// <summary>
/// Keeps an in-memory cache of one resource type in sync with the apiserver (list, then watch with bookmarks,
/// resuming from the last resourceVersion; relisting only on 410 Gone) and raises a change event for every difference.
/// </summary>
/// <typeparam name="T">The resource type.</typeparam>
public sealed class ResourceInformer<T> : IInformer
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IResourceSource<T> _source;
    private readonly string?[] _scopes;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<NamespacedName, T> _cache = [];
    private readonly bool[] _synced;
    private TaskCompletionSource _syncedSignal = NewSignal();
    private int _running;
    private long _lists;

    /// <summary>Creates an informer over <paramref name="source"/> for <paramref name="namespaces"/> (null or empty: all namespaces).</summary>
    public ResourceInformer(
        IResourceSource<T> source,
        IEnumerable<string>? namespaces,
        TimeProvider timeProvider,
        ILogger<ResourceInformer<T>> logger)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _source = source;
        _timeProvider = timeProvider;
        _logger = logger;
        Namespaces = [.. (namespaces ?? []).Where(n => !string.IsNullOrWhiteSpace(n)).Distinct(StringComparer.Ordinal)];
        _scopes = Namespaces.Count == 0 ? [null] : [.. Namespaces];
        _synced = new bool[_scopes.Length];
    }

    /// <summary>Raised after the cache changed, once per object added, modified or deleted.</summary>
    public event Action<InformerEvent<T>>? Changed;

    /// <inheritdoc/>
    public string Description => _source.Description;

    /// <summary>The watched namespaces; empty means all namespaces.</summary>
    public IReadOnlyList<string> Namespaces { get; }

    /// <inheritdoc/>
    public bool HasSynced
    {
        get
        {
            lock (_lock)
            {
                return _synced.All(s => s);
            }
        }
    }

    /// <summary>How long a failing list or watch waits first before retrying; doubles up to <see cref="MaxBackoff"/>.</summary>
    internal TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between reconnect attempts.</summary>
    internal TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Range of the server-side timeout of each watch, randomized so watches of many clients do not expire together.</summary>
    internal (int Min, int Max) WatchTimeoutSeconds { get; set; } = (300, 600);

    /// <summary>Objects per list page.</summary>
    internal int PageSize { get; set; } = 500;

    /// <summary>How many full lists have been made, the first one included.</summary>
    internal long ListCount => Interlocked.Read(ref _lists);

    /// <summary>The cached object <paramref name="namespace"/>/<paramref name="name"/>, or null.</summary>
    public T? Get(string? @namespace, string name) => Get(new NamespacedName(NamespacedName.NullIfEmpty(@namespace), name));

    /// <summary>The cached object with key <paramref name="key"/>, or null.</summary>
    public T? Get(NamespacedName key)
    {
        lock (_lock)
        {
            return _cache.GetValueOrDefault(key);
        }
    }

    /// <summary>A snapshot of every cached object.</summary>
    public IReadOnlyList<T> List()
    {
        lock (_lock)
        {
            return [.. _cache.Values];
        }
    }

    /// <summary>A snapshot of the cached objects in <paramref name="namespace"/>.</summary>
    public IReadOnlyList<T> List(string @namespace)
    {
        lock (_lock)
        {
            return [.. _cache.Where(e => e.Key.Namespace == @namespace).Select(e => e.Value)];
        }
    }

    /// <inheritdoc/>
    public Task WaitForSyncAsync(CancellationToken cancellationToken)
    {
        Task signal;
        lock (_lock)
        {
            signal = _syncedSignal.Task;
        }

        return signal.WaitAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException($"The {Description} informer is already running.");
        }

        try
        {
            lock (_lock)
            {
                // A new run (say, after leadership came back) must relist before the cache counts as complete again.
                Array.Clear(_synced);
                if (_syncedSignal.Task.IsCompleted)
                {
                    _syncedSignal = NewSignal();
                }
            }

            var reflectors = new Task[_scopes.Length];
            for (var i = 0; i < _scopes.Length; i++)
            {
                var index = i;
                reflectors[i] = Task.Run(() => ReflectAsync(index, cancellationToken), CancellationToken.None);
            }

            await Task.WhenAll(reflectors).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    internal static bool IsGone(Exception exception) => exception switch
    {
        KubernetesException { Status.Code: (int)HttpStatusCode.Gone } => true,
        HttpOperationException { Response.StatusCode: HttpStatusCode.Gone } => true,
        _ => false,
    };

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task ReflectAsync(int index, CancellationToken cancellationToken)
    {
        var scope = _scopes[index];
        var where = scope ?? "all namespaces";
        var backoff = new JitteredBackoff(InitialBackoff, MaxBackoff);
        var position = new WatchPosition();

        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (position.ResourceVersion is null)
                {
                    position.ResourceVersion = await ListAndReplaceAsync(index, cancellationToken).ConfigureAwait(false);
                    backoff.Reset();
                }

                var outcome = await WatchAsync(scope, position, cancellationToken).ConfigureAwait(false);
                if (outcome.Gone)
                {
                    _logger.LogInformation(
                        "Watch of {Resource} in {Scope} expired (410 Gone); relisting",
                        Description,
                        where);
                    position.ResourceVersion = null;
                    continue;
                }

                if (outcome.Error is not null)
                {
                    throw outcome.Error;
                }

                if (outcome.Events > 0 || outcome.Duration >= TimeSpan.FromSeconds(1))
                {
                    backoff.Reset();
                    _logger.LogDebug(
                        "Watch of {Resource} in {Scope} closed after {Events} events; resuming from {ResourceVersion}",
                        Description,
                        where,
                        outcome.Events,
                        position.ResourceVersion);
                    continue;
                }

                // Closed at once with nothing delivered: something between us and the apiserver is cutting watches.
                await DelayAsync(backoff.Next(), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (IsGone(ex))
            {
                _logger.LogInformation("{Resource} in {Scope}: resourceVersion too old (410 Gone); relisting", Description, where);
                position.ResourceVersion = null;
            }
            catch (Exception ex)
            {
                var delay = backoff.Next();
                _logger.LogWarning(
                    ex,
                    "List/watch of {Resource} in {Scope} failed; retrying in {Delay} ms",
                    Description,
                    where,
                    (long)delay.TotalMilliseconds);
                try
                {
                    await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        Task.Delay(delay, _timeProvider, cancellationToken);

    private async Task<string> ListAndReplaceAsync(int index, CancellationToken cancellationToken)
    {
        var scope = _scopes[index];
        var items = new List<T>();
        string? continueToken = null;
        string resourceVersion;
        do
        {
            var page = await _source.ListAsync(scope, continueToken, PageSize, cancellationToken).ConfigureAwait(false);
            items.AddRange(page.Items);
            resourceVersion = page.ResourceVersion;
            continueToken = page.Continue;
        }
        while (continueToken is not null);

        Interlocked.Increment(ref _lists);
        var events = new List<InformerEvent<T>>();
        lock (_lock)
        {
            var seen = new HashSet<NamespacedName>();
            foreach (var item in items)
            {
                var key = NamespacedName.Of(item);
                seen.Add(key);
                if (!_cache.TryGetValue(key, out var old))
                {
                    events.Add(new InformerEvent<T>(InformerEventType.Added, null, item));
                }
                else if (old.Metadata?.ResourceVersion != item.Metadata?.ResourceVersion)
                {
                    events.Add(new InformerEvent<T>(InformerEventType.Modified, old, item));
                }

                _cache[key] = item;
            }

            // Whatever vanished while we were not watching is gone now; tell subscribers as if we had seen it go.
            var vanished = _cache.Keys.Where(k => (scope is null || k.Namespace == scope) && !seen.Contains(k)).ToList();
            foreach (var key in vanished)
            {
                _cache.Remove(key, out var old);
                events.Add(new InformerEvent<T>(InformerEventType.Deleted, old, null));
            }
        }

        _logger.LogDebug(
            "Listed {Count} {Resource} in {Scope} at resourceVersion {ResourceVersion}",
            items.Count,
            Description,
            scope ?? "all namespaces",
            resourceVersion);
        Raise(events);
        MarkSynced(index);
        return resourceVersion;
    }

    private void MarkSynced(int index)
    {
        TaskCompletionSource? complete = null;
        lock (_lock)
        {
            _synced[index] = true;
            if (_synced.All(s => s))
            {
                complete = _syncedSignal;
            }
        }

        complete?.TrySetResult();
    }

    private async Task<WatchOutcome> WatchAsync(string? scope, WatchPosition position, CancellationToken cancellationToken)
    {
        var gone = false;
        Exception? error = null;
        void OnError(Exception ex)
        {
            if (IsGone(ex))
            {
                gone = true;
            }
            else if (ex is KubernetesException)
            {
                error ??= ex;
            }
            else
            {
                // A single event the client could not read; the stream itself goes on.
                _logger.LogWarning(ex, "Skipped an unreadable {Resource} watch event", Description);
            }
        }

        var started = _timeProvider.GetTimestamp();
        var events = 0;
        var (min, max) = WatchTimeoutSeconds;
        var timeout = Random.Shared.Next(min, max + 1);
        await foreach (var (type, obj) in _source
            .WatchAsync(scope, position.ResourceVersion!, timeout, OnError, cancellationToken)
            .WithCancellation(cancellationToken)
            .ConfigureAwait(false))
        {
            switch (type)
            {
                case WatchEventType.Added:
                case WatchEventType.Modified:
                    Upsert(obj);
                    break;
                case WatchEventType.Deleted:
                    Remove(obj);
                    break;
                case WatchEventType.Bookmark:
                case WatchEventType.Error:
                default:
                    break;
            }

            var objectVersion = obj.Metadata?.ResourceVersion;
            if (!string.IsNullOrEmpty(objectVersion))
            {
                // Kept outside this call so a watch that breaks mid-stream still resumes from here.
                position.ResourceVersion = objectVersion;
            }

            events++;
            if (gone || error is not null)
            {
                break;
            }
        }

        return new WatchOutcome(gone, error, events, _timeProvider.GetElapsedTime(started));
    }

    private void Upsert(T obj)
    {
        var key = NamespacedName.Of(obj);
        T? old;
        lock (_lock)
        {
            _cache.TryGetValue(key, out old);
            if (old is not null && old.Metadata?.ResourceVersion == obj.Metadata?.ResourceVersion)
            {
                return;
            }

            _cache[key] = obj;
        }

        Raise([new InformerEvent<T>(old is null ? InformerEventType.Added : InformerEventType.Modified, old, obj)]);
    }

    private void Remove(T obj)
    {
        var key = NamespacedName.Of(obj);
        lock (_lock)
        {
            _cache.Remove(key);
        }

        // The deletion event carries the object's final state, which is newer than the cached copy.
        Raise([new InformerEvent<T>(InformerEventType.Deleted, obj, null)]);
    }

    private void Raise(List<InformerEvent<T>> events)
    {
        var handlers = Changed;
        if (handlers is null || events.Count == 0)
        {
            return;
        }

        var subscribers = handlers.GetInvocationList();
        foreach (var change in events)
        {
            foreach (var subscriber in subscribers)
            {
                try
                {
                    ((Action<InformerEvent<T>>)subscriber)(change);
                }
                catch (Exception ex)
                {
                    _logger.LogError(ex, "A {Resource} change handler failed", Description);
                }
            }
        }
    }

    private readonly record struct WatchOutcome(
        bool Gone,
        Exception? Error,
        int Events,
        TimeSpan Duration);

    /// <summary>Where the next watch of one namespace starts; null means a list is needed first.</summary>
    private sealed class WatchPosition
    {
        public string? ResourceVersion { get; set; }
    }
}
