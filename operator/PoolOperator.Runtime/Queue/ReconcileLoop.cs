using Microsoft.Extensions.Logging;

namespace PoolOperator.Runtime.Queue;

/// <summary>Runs a bounded number of workers that take keys from a <see cref="WorkQueue{TKey}"/> and reconcile them.</summary>
/// <typeparam name="TKey">The key type of the queue.</typeparam>
public sealed class ReconcileLoop<TKey>
    where TKey : notnull
{
    private readonly WorkQueue<TKey> _queue;
    private readonly Func<TKey, CancellationToken, Task<ReconcileResult>> _reconcile;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, DateTimeOffset> _activeSince = [];
    private DateTimeOffset _lastProgress;
    private long _reconcilesStarted;
    private int _running;

    /// <summary>Creates a loop running at most <paramref name="maxConcurrentReconciles"/> reconciles at once.</summary>
    public ReconcileLoop(
        WorkQueue<TKey> queue,
        Func<TKey, CancellationToken, Task<ReconcileResult>> reconcile,
        int maxConcurrentReconciles,
        TimeProvider timeProvider,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(reconcile);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentReconciles, 1);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _queue = queue;
        _reconcile = reconcile;
        MaxConcurrentReconciles = maxConcurrentReconciles;
        _timeProvider = timeProvider;
        _logger = logger;
        _lastProgress = timeProvider.GetUtcNow();
    }

    /// <summary>The number of workers, hence the most reconciles running at once.</summary>
    public int MaxConcurrentReconciles { get; }

    /// <summary>The number of reconciles running right now.</summary>
    public int ActiveReconciles
    {
        get
        {
            lock (_lock)
            {
                return _activeSince.Count;
            }
        }
    }

    /// <summary>How many reconciles this loop has started since it was created, so a standby replica can be shown to do no work.</summary>
    public long ReconcilesStarted => Interlocked.Read(ref _reconcilesStarted);

    /// <summary>Whether <see cref="RunAsync"/> is running.</summary>
    public bool IsRunning => Volatile.Read(ref _running) == 1;

    /// <summary>When a reconcile last started or finished (or the loop was created).</summary>
    public DateTimeOffset LastProgress
    {
        get
        {
            lock (_lock)
            {
                return _lastProgress;
            }
        }
    }

    /// <summary>Runs the workers until <paramref name="cancellationToken"/> is cancelled; in-flight reconciles see the same token.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("The reconcile loop is already running.");
        }

        try
        {
            lock (_lock)
            {
                _lastProgress = _timeProvider.GetUtcNow();
            }

            var workers = new Task[MaxConcurrentReconciles];
            for (var i = 0; i < workers.Length; i++)
            {
                var worker = i;
                workers[i] = Task.Run(() => WorkerAsync(worker, cancellationToken), CancellationToken.None);
            }

            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>
    /// True when the loop has stopped making progress: keys are ready but no reconcile started or finished within
    /// <paramref name="threshold"/>, or every worker has been stuck in one reconcile for longer than that.
    /// </summary>
    public bool IsWedged(TimeSpan threshold, out string detail)
    {
        var now = _timeProvider.GetUtcNow();
        var ready = _queue.Length;
        lock (_lock)
        {
            if (!IsRunning)
            {
                detail = "not running";
                return false;
            }

            var idleFor = now - _lastProgress;
            if (ready > 0 && idleFor > threshold)
            {
                detail = $"{ready} keys ready but no reconcile started or finished for {idleFor.TotalSeconds:F0}s";
                return true;
            }

            if (_activeSince.Count == MaxConcurrentReconciles && _activeSince.Values.All(s => now - s > threshold))
            {
                detail = $"all {MaxConcurrentReconciles} workers stuck in a reconcile for more than {threshold.TotalSeconds:F0}s";
                return true;
            }

            detail = $"{_activeSince.Count} reconciles in flight, {ready} keys ready";
            return false;
        }
    }

    private async Task WorkerAsync(int worker, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TKey key;
            try
            {
                key = await _queue.GetAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            MarkStarted(worker);
            try
            {
                await ProcessAsync(key, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                MarkFinished(worker);
                _queue.Done(key);
            }
        }
    }

    private async Task ProcessAsync(TKey key, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _reconcile(key, cancellationToken).ConfigureAwait(false);
            if (result.RequeueAfter is { } delay)
            {
                _queue.Forget(key);
                _queue.AddAfter(key, delay);
            }
            else if (result.Requeue)
            {
                _queue.AddRateLimited(key);
            }
            else
            {
                _queue.Forget(key);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping (shutdown or lost leadership): keep the key so a later run of this queue picks it up again.
            _queue.Add(key);
        }
        catch (Exception ex)
        {
            _queue.AddRateLimited(key);
            _logger.LogError(
                ex,
                "Reconcile of {Key} failed (attempt {Attempt}); retrying with backoff",
                key,
                _queue.NumRequeues(key));
        }
    }

    private void MarkStarted(int worker)
    {
        Interlocked.Increment(ref _reconcilesStarted);
        lock (_lock)
        {
            var now = _timeProvider.GetUtcNow();
            _activeSince[worker] = now;
            _lastProgress = now;
        }
    }

    private void MarkFinished(int worker)
    {
        lock (_lock)
        {
            _activeSince.Remove(worker);
            _lastProgress = _timeProvider.GetUtcNow();
        }
    }
}
