using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PoolOperator.Runtime.Informers;
using PoolOperator.Runtime.Queue;

namespace PoolOperator.Runtime;

/// <summary>
/// Composes informers, a work queue and a reconcile loop: every informer change is mapped to keys, the keys are
/// queued, and a bounded set of workers reconciles them.
/// </summary>
/// <typeparam name="TKey">The work-queue key, typically <see cref="NamespacedName"/> of the primary resource.</typeparam>
public sealed class Controller<TKey> : IController
    where TKey : notnull
{
    private readonly List<IInformer> _informers = [];
    private readonly ILogger _logger;

    /// <summary>Creates a controller running at most <see cref="OperatorRuntimeOptions.MaxConcurrentReconciles"/> reconciles at once.</summary>
    public Controller(
        string name,
        Func<TKey, CancellationToken, Task<ReconcileResult>> reconcile,
        IOptions<OperatorRuntimeOptions> options,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
        : this(name, reconcile, options?.Value.MaxConcurrentReconciles ?? throw new ArgumentNullException(nameof(options)), timeProvider, loggerFactory)
    {
    }

    /// <summary>Creates a controller running at most <paramref name="maxConcurrentReconciles"/> reconciles at once.</summary>
    public Controller(
        string name,
        Func<TKey, CancellationToken, Task<ReconcileResult>> reconcile,
        int maxConcurrentReconciles,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(reconcile);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Name = name;
        _logger = loggerFactory.CreateLogger($"PoolOperator.Runtime.Controller.{name}");
        Queue = new WorkQueue<TKey>(timeProvider);
        Loop = new ReconcileLoop<TKey>(Queue, reconcile, maxConcurrentReconciles, timeProvider, _logger);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The queue of keys to reconcile; add to it directly to trigger a reconcile from elsewhere.</summary>
    public WorkQueue<TKey> Queue { get; }

    /// <inheritdoc/>
    public int QueueDepth => Queue.Length;

    /// <summary>The workers reconciling keys from <see cref="Queue"/>.</summary>
    public ReconcileLoop<TKey> Loop { get; }

    /// <inheritdoc/>
    public IReadOnlyCollection<IInformer> Informers => _informers;

    /// <summary>
    /// Runs once the informers have synced and before the first worker starts, e.g. to declare at once what every
    /// existing object will need, instead of letting each first reconcile find out alone.
    /// </summary>
    public Func<CancellationToken, Task>? BeforeWorkers { get; set; }

    /// <inheritdoc/>
    public bool HasSynced => _informers.All(i => i.HasSynced);

    /// <summary>
    /// Queues the keys <paramref name="mapKeys"/> returns for every changed object (for a modification, the keys of the old
    /// and the new object, so a reference that moved notifies both owners).
    /// </summary>
    public Controller<TKey> Watch<T>(IInformer<T> informer, Func<T, IEnumerable<TKey>> mapKeys)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(mapKeys);
        return WatchEvents(informer, change => change.Type switch
        {
            InformerEventType.Modified => mapKeys(change.OldObject!).Concat(mapKeys(change.NewObject!)).Distinct(),
            _ => mapKeys(change.Object),
        });
    }

    /// <summary>Queues the keys <paramref name="mapEvent"/> returns for every change, which it may filter (for example on generation).</summary>
    public Controller<TKey> WatchEvents<T>(IInformer<T> informer, Func<InformerEvent<T>, IEnumerable<TKey>> mapEvent)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(informer);
        ArgumentNullException.ThrowIfNull(mapEvent);
        if (!_informers.Contains(informer))
        {
            _informers.Add(informer);
        }

        informer.Changed += change =>
        {
            try
            {
                foreach (var key in mapEvent(change))
                {
                    Queue.Add(key);
                }
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Mapping a {Resource} change to {Controller} keys failed", informer.Description, Name);
            }
        };
        return this;
    }

    /// <inheritdoc/>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("Controller {Controller} waiting for {Count} informers to sync", Name, _informers.Count);
        await Task.WhenAll(_informers.Select(i => i.WaitForSyncAsync(cancellationToken))).ConfigureAwait(false);
        if (BeforeWorkers is { } prepare)
        {
            await prepare(cancellationToken).ConfigureAwait(false);
        }

        _logger.LogInformation(
            "Controller {Controller} synced; starting {Workers} workers",
            Name,
            Loop.MaxConcurrentReconciles);
        await Loop.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public bool IsWedged(TimeSpan threshold, out string detail) => Loop.IsWedged(threshold, out detail);
}
