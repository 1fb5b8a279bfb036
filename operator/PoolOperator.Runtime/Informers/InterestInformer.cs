using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace PoolOperator.Runtime.Informers;

/// <summary>
/// Caches only the objects someone is interested in. Each owner declares its <see cref="ObjectInterest"/>s; every
/// namespace with at least one interest gets one list+watch, whose objects enter the cache only when they match an
/// interest of that namespace. An interest the namespace's cache did not already cover makes that namespace relist
/// (batched over <see cref="RelistDelay"/>, so many interests added at once cost one relist); a namespace whose last
/// interest is released stops its watch and drops its objects.
/// </summary>
/// <remarks>
/// <see cref="Changed"/> is raised for objects that enter, change in, or leave the cache while interesting: an object
/// relabelled out of every interest leaves as Deleted. Objects dropped because their owner released the interest leave
/// silently: nobody is interested in them any more.
/// </remarks>
/// <typeparam name="T">The resource type.</typeparam>
public sealed class InterestInformer<T> : IInformer<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IResourceSource<T> _source;
    private readonly HashSet<string>? _allowedNamespaces;
    private readonly Func<T, T>? _transform;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ReflectorSettings _settings = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, CompiledInterest>> _owners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WatchedNamespace> _namespaces = new(StringComparer.Ordinal);
    private readonly List<Task> _stopping = [];
    private TaskCompletionSource _syncedSignal = NewSignal();
    private CancellationToken _runToken;
    private bool _running;
    private int _runGate;
    private ITimer? _relistTimer;
    private long _lists;
    private int _holds;

    /// <summary>
    /// Creates an informer over <paramref name="source"/> that watches only namespaces in <paramref name="namespaces"/>
    /// (null or empty: any namespace), caching objects after <paramref name="transform"/> when given.
    /// </summary>
    public InterestInformer(
        IResourceSource<T> source,
        IEnumerable<string>? namespaces,
        TimeProvider timeProvider,
        ILogger<InterestInformer<T>> logger,
        Func<T, T>? transform = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _source = source;
        _timeProvider = timeProvider;
        _logger = logger;
        _transform = transform;
        var allowed = (namespaces ?? []).Where(n => !string.IsNullOrWhiteSpace(n)).ToHashSet(StringComparer.Ordinal);
        _allowedNamespaces = allowed.Count == 0 ? null : allowed;
        _syncedSignal.TrySetResult();
    }

    /// <summary>Raised after the cache changed, once per interesting object added, modified or deleted.</summary>
    public event Action<InformerEvent<T>>? Changed;

    /// <inheritdoc/>
    public string Description => $"{_source.Description} of interest";

    /// <summary>True when every namespace with an interest has listed since its interests last grew; true with no interest.</summary>
    public bool HasSynced
    {
        get
        {
            lock (_lock)
            {
                return _namespaces.Values.All(IsSyncedLocked);
            }
        }
    }

    /// <summary>How long after an interest the cache did not cover its namespace relists; interests added meanwhile share that relist.</summary>
    internal TimeSpan RelistDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a failing list or watch waits first before retrying.</summary>
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

    /// <summary>How many full lists have been started, in all namespaces together.</summary>
    internal long ListCount => Interlocked.Read(ref _lists);

    /// <summary>How many objects the cache holds.</summary>
    internal int Count
    {
        get
        {
            lock (_lock)
            {
                return _namespaces.Values.Sum(w => w.Store.Count);
            }
        }
    }

    /// <summary>The namespaces that currently have a running list/watch.</summary>
    internal IReadOnlyList<string> WatchedNamespaces
    {
        get
        {
            lock (_lock)
            {
                return [.. _namespaces.Values.Where(w => w.Reflector is not null).Select(w => w.Namespace).Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>
    /// Replaces everything <paramref name="owner"/> is interested in with <paramref name="interests"/>. Cheap when nothing
    /// changed, so it can be called on every reconcile.
    /// </summary>
    public void SetInterests(string owner, IReadOnlyCollection<ObjectInterest> interests)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(interests);
        var wanted = new Dictionary<string, CompiledInterest>(StringComparer.Ordinal);
        foreach (var interest in interests)
        {
            var compiled = new CompiledInterest(interest);
            wanted.TryAdd(compiled.Key, compiled);
        }

        var stopped = new List<WatchedNamespace>();
        lock (_lock)
        {
            _owners.TryGetValue(owner, out var previous);
            if ((previous?.Count ?? 0) == wanted.Count && wanted.Keys.All(k => previous!.ContainsKey(k)))
            {
                return;
            }

            if (wanted.Count == 0)
            {
                _owners.Remove(owner);
            }
            else
            {
                _owners[owner] = wanted;
            }

            var affected = (previous?.Values ?? Enumerable.Empty<CompiledInterest>())
                .Concat(wanted.Values)
                .Select(i => i.Namespace)
                .ToHashSet(StringComparer.Ordinal);
            foreach (var ns in affected)
            {
                UpdateNamespaceLocked(ns, owner, [.. wanted.Values.Where(i => i.Namespace == ns)], stopped);
            }

            UpdateSyncSignalLocked();
        }

        foreach (var watched in stopped)
        {
            StopReflector(watched);
        }
    }

    /// <summary>
    /// Holds back every list until the returned handle is disposed, so that many interests declared together (all the
    /// existing owners after a start) cost one list per namespace instead of a list and relists as they arrive.
    /// </summary>
    public IDisposable HoldLists()
    {
        lock (_lock)
        {
            _holds++;
        }

        return new ListHold(this);
    }

    /// <summary>Drops every interest of <paramref name="owner"/>; the same as <see cref="SetInterests"/> with none.</summary>
    public void Release(string owner) => SetInterests(owner, []);

    /// <summary>
    /// Whether the cache of <paramref name="namespace"/> is complete: its watch has listed since its interests last grew.
    /// False for a namespace nobody is interested in; true for one outside the configured namespaces, which is never watched.
    /// </summary>
    public bool IsSynced(string @namespace)
    {
        lock (_lock)
        {
            return _namespaces.TryGetValue(@namespace, out var watched)
                ? IsSyncedLocked(watched)
                : !IsAllowed(@namespace);
        }
    }

    /// <summary>The cached object <paramref name="namespace"/>/<paramref name="name"/>, or null.</summary>
    public T? Get(string @namespace, string name)
    {
        WatchedNamespace? watched;
        lock (_lock)
        {
            _namespaces.TryGetValue(@namespace, out watched);
        }

        return watched?.Store.Get(new NamespacedName(@namespace, name));
    }

    /// <summary>A snapshot of the cached objects that match <paramref name="interest"/>.</summary>
    public IReadOnlyList<T> List(ObjectInterest interest)
    {
        var compiled = new CompiledInterest(interest);
        WatchedNamespace? watched;
        lock (_lock)
        {
            _namespaces.TryGetValue(interest.Namespace, out watched);
        }

        return watched?.Store.Snapshot(o => compiled.Matches(o)) ?? [];
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

    /// <summary>Runs the list/watch of every namespace with an interest, starting and stopping them as interests change, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _runGate, 1) == 1)
        {
            throw new InvalidOperationException($"The {Description} informer is already running.");
        }

        try
        {
            lock (_lock)
            {
                _running = true;
                _runToken = cancellationToken;
                foreach (var watched in _namespaces.Values)
                {
                    // A new run (say, after leadership came back) must relist before the cache counts as complete again.
                    watched.Required++;
                    StartReflectorLocked(watched);
                }

                UpdateSyncSignalLocked();
            }

            await Task.Delay(Timeout.InfiniteTimeSpan, _timeProvider, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

            List<Task> running;
            lock (_lock)
            {
                _running = false;
                _relistTimer?.Dispose();
                _relistTimer = null;
                running = [.. _stopping, .. _namespaces.Values.Select(w => w.Run).OfType<Task>()];
                _stopping.Clear();
                foreach (var watched in _namespaces.Values)
                {
                    watched.Reflector = null;
                    watched.Run = null;
                }
            }

            await Task.WhenAll(running).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _runGate, 0);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static bool IsSyncedLocked(WatchedNamespace watched) => !watched.Allowed || watched.Listed >= watched.Required;

    private bool IsAllowed(string @namespace) => _allowedNamespaces is null || _allowedNamespaces.Contains(@namespace);

    private void UpdateNamespaceLocked(string ns, string owner, List<CompiledInterest> mine, List<WatchedNamespace> stopped)
    {
        if (!_namespaces.TryGetValue(ns, out var watched))
        {
            if (mine.Count == 0)
            {
                return;
            }

            watched = new WatchedNamespace(ns, IsAllowed(ns));
            watched.Store = new InformerStore<T>(events => RaiseFrom(watched, events));
            watched.ByOwner[owner] = mine;
            watched.Interests = new NamespaceInterests(mine);
            _namespaces[ns] = watched;
            if (!watched.Allowed)
            {
                _logger.LogDebug("{Resource}: namespace {Namespace} is outside the watched namespaces; not caching it", _source.Description, ns);
            }

            StartReflectorLocked(watched);
            return;
        }

        var before = watched.Interests;
        watched.ByOwner.TryGetValue(owner, out var previouslyMine);
        if (mine.Count == 0)
        {
            watched.ByOwner.Remove(owner);
        }
        else
        {
            watched.ByOwner[owner] = mine;
        }

        if (watched.ByOwner.Count == 0)
        {
            _namespaces.Remove(ns);
            watched.Stopped = true;
            stopped.Add(watched);
            return;
        }

        if (_holds > 0)
        {
            // The union is rebuilt once when the hold ends: rebuilding it per owner costs the square of the owners.
            watched.InterestsStale = true;
            return;
        }

        var after = new NamespaceInterests(watched.ByOwner.Values.SelectMany(i => i));
        watched.Interests = after;
        if (mine.Exists(i => !before.Covers(i)))
        {
            // Objects of the new interest that have not changed since the last list are not in the cache: list again.
            watched.Required++;
            ScheduleRelistLocked(watched);
        }

        // Only this owner's interests changed, so only those it dropped can have narrowed the union; checking every
        // interest of the namespace instead costs the square of the owners on each call, the cube at a start.
        if (previouslyMine?.Exists(i => !after.Covers(i)) == true)
        {
            watched.Store.Prune(after.Matches);
        }
    }

    private void ReleaseHold()
    {
        List<Reflector<T>> relist = [];
        lock (_lock)
        {
            if (--_holds > 0)
            {
                return;
            }

            foreach (var watched in _namespaces.Values)
            {
                if (watched.InterestsStale)
                {
                    // What changed under the hold is not known any more: list again and keep only what is wanted.
                    watched.InterestsStale = false;
                    watched.Interests = new NamespaceInterests(watched.ByOwner.Values.SelectMany(i => i));
                    watched.Store.Prune(watched.Interests.Matches);
                    watched.Required++;
                    watched.RelistPending = true;
                }

                if (watched.Reflector is null)
                {
                    StartReflectorLocked(watched);
                }
                else if (watched.RelistPending)
                {
                    watched.RelistPending = false;
                    relist.Add(watched.Reflector);
                }
            }

            UpdateSyncSignalLocked();
        }

        foreach (var reflector in relist)
        {
            reflector.RequestRelist();
        }
    }

    private void StartReflectorLocked(WatchedNamespace watched)
    {
        if (!_running || !watched.Allowed || watched.Reflector is not null || _holds > 0)
        {
            return;
        }

        var stop = CancellationTokenSource.CreateLinkedTokenSource(_runToken);
        var reflector = new Reflector<T>(_source, watched.Namespace, watched.Store, _settings, _timeProvider, _logger)
        {
            Filter = o => watched.Interests.Matches(o),
            Transform = _transform,
            NotFoundListsAsEmpty = true,
            ListStarting = () => OnListStarting(watched),
            Listed = () => OnListed(watched),
        };
        watched.Reflector = reflector;
        watched.Stop = stop;
        watched.RelistPending = false;
        var run = Task.Run(() => reflector.RunAsync(stop.Token), CancellationToken.None);
        watched.Run = run;
        _ = run.ContinueWith(_ => stop.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void StopReflector(WatchedNamespace watched)
    {
        Task? run;
        lock (_lock)
        {
            run = watched.Run;
            watched.Reflector = null;
            watched.Run = null;
            if (run is not null && _running)
            {
                _stopping.RemoveAll(t => t.IsCompleted);
                _stopping.Add(run);
            }
        }

        try
        {
            watched.Stop?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run already ended.
        }

        _logger.LogDebug("{Resource}: no interest left in namespace {Namespace}; stopped watching it", _source.Description, watched.Namespace);
    }

    private void ScheduleRelistLocked(WatchedNamespace watched)
    {
        if (watched.Reflector is null)
        {
            // Not running: the next run lists first anyway.
            return;
        }

        watched.RelistPending = true;
        if (_holds > 0)
        {
            // Released together when the hold ends.
            return;
        }

        _relistTimer ??= _timeProvider.CreateTimer(_ => FlushRelists(), null, RelistDelay, Timeout.InfiniteTimeSpan);
    }

    private void FlushRelists()
    {
        List<Reflector<T>> due = [];
        lock (_lock)
        {
            _relistTimer?.Dispose();
            _relistTimer = null;
            foreach (var watched in _namespaces.Values)
            {
                if (watched.RelistPending && watched.Reflector is { } reflector)
                {
                    watched.RelistPending = false;
                    due.Add(reflector);
                }
            }
        }

        foreach (var reflector in due)
        {
            reflector.RequestRelist();
        }
    }

    private void OnListStarting(WatchedNamespace watched)
    {
        Interlocked.Increment(ref _lists);
        lock (_lock)
        {
            watched.Listing = watched.Required;
            watched.ListingInterests = watched.Interests;

            // The list returns the whole namespace and is filtered by the interests in force when it arrives, so it
            // covers every interest added before now: a relist still waiting for its batch would only repeat it.
            watched.RelistPending = false;
        }
    }

    private void OnListed(WatchedNamespace watched)
    {
        lock (_lock)
        {
            if (watched.Stopped)
            {
                return;
            }

            watched.Listed = Math.Max(watched.Listed, watched.Listing);
            if (!ReferenceEquals(watched.ListingInterests, watched.Interests))
            {
                // Interests narrowed while the list ran can have let objects in that nobody wants now.
                watched.Store.Prune(watched.Interests.Matches);
            }

            UpdateSyncSignalLocked();
        }
    }

    private void UpdateSyncSignalLocked()
    {
        if (_namespaces.Values.All(IsSyncedLocked))
        {
            _syncedSignal.TrySetResult();
        }
        else if (_syncedSignal.Task.IsCompleted)
        {
            _syncedSignal = NewSignal();
        }
    }

    private void RaiseFrom(WatchedNamespace watched, IReadOnlyList<InformerEvent<T>> events)
    {
        if (!watched.Stopped)
        {
            ChangeDispatcher.Raise(Changed, events, _logger, Description);
        }
    }

    private sealed class ListHold(InterestInformer<T> informer) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                informer.ReleaseHold();
            }
        }
    }

    /// <summary>One namespace with interest: who wants what there, its cache, and its reflector while running.</summary>
    private sealed class WatchedNamespace(string @namespace, bool allowed)
    {
        private volatile NamespaceInterests _interests = NamespaceInterests.None;
        private volatile bool _stopped;

        public string Namespace { get; } = @namespace;

        /// <summary>False for a namespace outside the configured ones: never watched, always counted as synced.</summary>
        public bool Allowed { get; } = allowed;

        public Dictionary<string, List<CompiledInterest>> ByOwner { get; } = new(StringComparer.Ordinal);

        public NamespaceInterests Interests
        {
            get => _interests;
            set => _interests = value;
        }

        public InformerStore<T> Store { get; set; } = null!;

        public Reflector<T>? Reflector { get; set; }

        public CancellationTokenSource? Stop { get; set; }

        public Task? Run { get; set; }

        /// <summary>Bumped whenever the cache must be listed again to be complete.</summary>
        public long Required { get; set; } = 1;

        /// <summary>The <see cref="Required"/> value the running list started under.</summary>
        public long Listing { get; set; }

        /// <summary>The <see cref="Required"/> value the last finished list started under.</summary>
        public long Listed { get; set; }

        public NamespaceInterests? ListingInterests { get; set; }

        public bool RelistPending { get; set; }

        /// <summary>Owners changed while lists were held; <see cref="Interests"/> still shows the union from before.</summary>
        public bool InterestsStale { get; set; }

        public bool Stopped
        {
            get => _stopped;
            set => _stopped = value;
        }
    }
}
