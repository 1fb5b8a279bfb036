namespace PoolOperator.Runtime.Queue;

/// <summary>
/// A controller work queue: keys are deduplicated while they wait, a key is handed to at most one worker at a
/// time, and keys can come back later (delayed or with per-key exponential backoff), like client-go's workqueue.
/// </summary>
/// <typeparam name="TKey">The key type; keys are compared with their default equality.</typeparam>
public sealed class WorkQueue<TKey> : IDisposable
    where TKey : notnull
{
    /// <summary>The first retry delay of a failing key.</summary>
    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(5);

    /// <summary>The longest retry delay of a failing key.</summary>
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromMinutes(5);

    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly PerKeyExponentialBackoff<TKey> _backoff;

    // Keys waiting to be processed; a key stays here while in flight if it was added again meanwhile.
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly Queue<TKey> _ready = new();

    // Counts the keys in _ready so workers can wait without polling.
    private readonly SemaphoreSlim _readySignal = new(0);

    // A key's earliest due time; the heap can hold stale, later entries for the same key which are skipped.
    private readonly Dictionary<TKey, DateTimeOffset> _delayedDue = [];
    private readonly PriorityQueue<TKey, DateTimeOffset> _delayed = new();
    private readonly ITimer _timer;
    private DateTimeOffset? _timerDue;
    private bool _disposed;

    /// <summary>Creates a queue whose delays are measured with <paramref name="timeProvider"/>.</summary>
    public WorkQueue(TimeProvider timeProvider, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var first = baseDelay ?? DefaultBaseDelay;
        var cap = maxDelay ?? DefaultMaxDelay;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(first, TimeSpan.Zero, nameof(baseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, first, nameof(maxDelay));

        _timeProvider = timeProvider;
        _backoff = new PerKeyExponentialBackoff<TKey>(first, cap);
        _timer = timeProvider.CreateTimer(_ => PromoteDueKeys(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Number of keys ready to be handed to a worker.</summary>
    public int Length
    {
        get
        {
            lock (_lock)
            {
                return _ready.Count;
            }
        }
    }

    /// <summary>Number of keys currently handed to a worker and not yet marked done.</summary>
    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _processing.Count;
            }
        }
    }

    /// <summary>Number of keys waiting for a delayed requeue.</summary>
    public int Delayed
    {
        get
        {
            lock (_lock)
            {
                return _delayedDue.Count;
            }
        }
    }

    /// <summary>Queues <paramref name="key"/> now; a no-op when it is already waiting.</summary>
    public void Add(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            AddLocked(key);
        }
    }

    /// <summary>Queues <paramref name="key"/> after <paramref name="delay"/>; when already scheduled, the earlier due time wins.</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var due = _timeProvider.GetUtcNow() + delay;
            if (_delayedDue.TryGetValue(key, out var existing) && existing <= due)
            {
                return;
            }

            _delayedDue[key] = due;
            _delayed.Enqueue(key, due);
            ArmTimerLocked();
        }
    }

    /// <summary>Queues <paramref name="key"/> after its per-key exponential backoff, counting one more failure.</summary>
    public void AddRateLimited(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        TimeSpan delay;
        lock (_lock)
        {
            delay = _backoff.NextDelay(key);
        }

        AddAfter(key, delay);
    }

    /// <summary>Resets the failure backoff of <paramref name="key"/>; it does not remove a pending delayed requeue.</summary>
    public void Forget(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            _backoff.Forget(key);
        }
    }

    /// <summary>How many consecutive failures <paramref name="key"/> has had since it was last forgotten.</summary>
    public int NumRequeues(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            return _backoff.Failures(key);
        }
    }

    /// <summary>Waits for the next ready key and marks it in flight; the caller must call <see cref="Done"/> for it.</summary>
    public async Task<TKey> GetAsync(CancellationToken cancellationToken)
    {
        await _readySignal.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            var key = _ready.Dequeue();
            _dirty.Remove(key);
            _processing.Add(key);
            return key;
        }
    }

    /// <summary>Marks <paramref name="key"/> as no longer in flight; if it was added meanwhile it becomes ready again.</summary>
    public void Done(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            _processing.Remove(key);
            if (_dirty.Contains(key))
            {
                EnqueueReadyLocked(key);
            }
        }
    }

    /// <summary>Stops the delay timer; keys still delayed are dropped.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _delayed.Clear();
            _delayedDue.Clear();
        }

        _timer.Dispose();
    }

    private void AddLocked(TKey key)
    {
        if (!_dirty.Add(key))
        {
            return;
        }

        if (!_processing.Contains(key))
        {
            EnqueueReadyLocked(key);
        }
    }

    private void EnqueueReadyLocked(TKey key)
    {
        _ready.Enqueue(key);
        _readySignal.Release();
    }

    private void PromoteDueKeys()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _timerDue = null;
            var now = _timeProvider.GetUtcNow();
            while (_delayed.TryPeek(out var key, out var due) && due <= now)
            {
                _delayed.Dequeue();
                if (_delayedDue.TryGetValue(key, out var current) && current == due)
                {
                    _delayedDue.Remove(key);
                    AddLocked(key);
                }
            }

            ArmTimerLocked();
        }
    }

    private void ArmTimerLocked()
    {
        // Drop stale heap entries first so the timer is armed for a key that is really due.
        while (_delayed.TryPeek(out var key, out var due)
            && (!_delayedDue.TryGetValue(key, out var current) || current != due))
        {
            _delayed.Dequeue();
        }

        if (!_delayed.TryPeek(out _, out var next))
        {
            return;
        }

        if (_timerDue is { } armed && armed <= next)
        {
            return;
        }

        _timerDue = next;
        var wait = next - _timeProvider.GetUtcNow();
        _timer.Change(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Timeout.InfiniteTimeSpan);
    }
}
