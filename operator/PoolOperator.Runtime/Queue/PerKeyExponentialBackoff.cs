namespace PoolOperator.Runtime.Queue;

/// <summary>Per-key failure counter turning consecutive failures into exponentially growing delays.</summary>
internal sealed class PerKeyExponentialBackoff<TKey>(TimeSpan baseDelay, TimeSpan maxDelay)
    where TKey : notnull
{
    private readonly Dictionary<TKey, int> _failures = [];

    public TimeSpan BaseDelay { get; } = baseDelay;

    public TimeSpan MaxDelay { get; } = maxDelay;

    /// <summary>Counts one more failure of <paramref name="key"/> and returns how long to wait before retrying it.</summary>
    public TimeSpan NextDelay(TKey key)
    {
        _failures.TryGetValue(key, out var failures);
        _failures[key] = failures + 1;

        // Past 2^30 the product overflows TimeSpan long before it could stay under any sane cap.
        if (failures >= 30)
        {
            return MaxDelay;
        }

        var ticks = BaseDelay.Ticks * (double)(1L << failures);
        return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    public int Failures(TKey key) => _failures.GetValueOrDefault(key);

    public void Forget(TKey key) => _failures.Remove(key);
}
