namespace PoolOperator.Runtime.Queue;

/// <summary>What a reconcile asks the loop to do with its key once it returns.</summary>
/// <param name="RequeueAfter">Reconcile the key again after this delay (resets the key's failure backoff).</param>
/// <param name="Requeue">Reconcile the key again with the key's failure backoff, as if it had failed.</param>
public readonly record struct ReconcileResult(TimeSpan? RequeueAfter = null, bool Requeue = false)
{
    /// <summary>The key is settled: nothing more until the next change arrives.</summary>
    public static ReconcileResult Done => default;

    /// <summary>Reconcile the key again after <paramref name="delay"/>.</summary>
    public static ReconcileResult After(TimeSpan delay) => new(RequeueAfter: delay);

    /// <summary>Reconcile the key again after its per-key exponential backoff.</summary>
    public static ReconcileResult RetryWithBackoff => new(Requeue: true);
}
