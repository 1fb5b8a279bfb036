using PoolOperator.Runtime.Informers;

namespace PoolOperator.Runtime;

/// <summary>A reconcile loop with the informers that feed it, as the <see cref="OperatorHost"/> runs it.</summary>
public interface IController
{
    /// <summary>A short name for logs and health details.</summary>
    string Name { get; }

    /// <summary>The informers whose changes feed this controller's queue; the host runs each distinct one once.</summary>
    IReadOnlyCollection<IInformer> Informers { get; }

    /// <summary>Keys waiting to be reconciled now.</summary>
    int QueueDepth { get; }

    /// <summary>True when every informer of this controller has synced.</summary>
    bool HasSynced { get; }

    /// <summary>Waits for the informers to sync, then reconciles until <paramref name="cancellationToken"/> is cancelled.</summary>
    Task RunAsync(CancellationToken cancellationToken);

    /// <summary>True when the reconcile loop has work but has made no progress for <paramref name="threshold"/>.</summary>
    bool IsWedged(TimeSpan threshold, out string detail);
}
