using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace PoolOperator.Runtime.Informers;

/// <summary>
/// Keeps an in-memory cache of one resource type in sync with the apiserver (list, then watch with bookmarks,
/// resuming from the last resourceVersion; relisting only on 410 Gone) and raises a change event for every difference.
/// </summary>
/// <typeparam name="T">The resource type.</typeparam>
public sealed class ResourceInformer<T> : IInformer<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IResourceSource<T> _source;
    private readonly string?[] _scopes;
    private readonly InformerStore<T>[] _stores;
    private readonly Reflector<T>[] _reflectors;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly bool[] _synced;
    private readonly ReflectorSettings _settings = new();
    private TaskCompletionSource _syncedSignal = NewSignal();
    private int _running;

    /// <summary>
    /// Creates an informer over <paramref name="source"/> for <paramref name="namespaces"/> (null or empty: all namespaces),
    /// caching each object after <paramref name="transform"/> when given.
    /// </summary>
    public ResourceInformer(
        IResourceSource<T> source,
        IEnumerable<string>? namespaces,
        TimeProvider timeProvider,
        ILogger<ResourceInformer<T>> logger,
        Func<T, T>? transform = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _source = source;
        _logger = logger;
        Namespaces = [.. (namespaces ?? []).Where(n => !string.IsNullOrWhiteSpace(n)).Distinct(StringComparer.Ordinal)];
        _scopes = Namespaces.Count == 0 ? [null] : [.. Namespaces];
        _synced = new bool[_scopes.Length];
        _stores = new InformerStore<T>[_scopes.Length];
        _reflectors = new Reflector<T>[_scopes.Length];
        for (var i = 0; i < _scopes.Length; i++)
        {
            var index = i;
            _stores[i] = new InformerStore<T>(events => ChangeDispatcher.Raise(Changed, events, _logger, Description));
            _reflectors[i] = new Reflector<T>(source, _scopes[i], _stores[i], _settings, timeProvider, logger)
            {
                Listed = () => MarkSynced(index),
                Transform = transform,
            };
        }
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
    internal TimeSpan InitialBackoff
    {
        get => _settings.InitialBackoff;
        set => _settings.InitialBackoff = value;
    }

    /// <summary>The longest wait between reconnect attempts.</summary>
    internal TimeSpan MaxBackoff
    {
        get => _settings.MaxBackoff;
        set => _settings.MaxBackoff = value;
    }

    /// <summary>Range of the server-side timeout of each watch, randomized so watches of many clients do not expire together.</summary>
    internal (int Min, int Max) WatchTimeoutSeconds
    {
        get => _settings.WatchTimeoutSeconds;
        set => _settings.WatchTimeoutSeconds = value;
    }

    /// <summary>Objects per list page.</summary>
    internal int PageSize
    {
        get => _settings.PageSize;
        set => _settings.PageSize = value;
    }

    /// <summary>How many full lists have been made, the first one included.</summary>
    internal long ListCount => _reflectors.Sum(r => r.ListCount);

    /// <summary>The cached object <paramref name="namespace"/>/<paramref name="name"/>, or null.</summary>
    public T? Get(string? @namespace, string name) => Get(new NamespacedName(NamespacedName.NullIfEmpty(@namespace), name));

    /// <summary>The cached object with key <paramref name="key"/>, or null.</summary>
    public T? Get(NamespacedName key) => StoreOf(key.Namespace)?.Get(key);

    /// <summary>A snapshot of every cached object.</summary>
    public IReadOnlyList<T> List() => [.. _stores.SelectMany(s => s.Snapshot())];

    /// <summary>A snapshot of the cached objects in <paramref name="namespace"/>.</summary>
    public IReadOnlyList<T> List(string @namespace) =>
        StoreOf(@namespace)?.Snapshot(o => o.Metadata?.NamespaceProperty == @namespace) ?? [];

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

            await Task.WhenAll(_reflectors.Select(r => Task.Run(() => r.RunAsync(cancellationToken), CancellationToken.None))).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private InformerStore<T>? StoreOf(string? @namespace)
    {
        if (_scopes[0] is null)
        {
            return _stores[0];
        }

        var index = Array.IndexOf(_scopes, @namespace);
        return index < 0 ? null : _stores[index];
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
}
