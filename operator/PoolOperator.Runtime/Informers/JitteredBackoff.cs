namespace PoolOperator.Runtime.Informers;

/// <summary>Exponential reconnect delays with jitter, so many clients that lost the apiserver do not return in step.</summary>
internal sealed class JitteredBackoff(TimeSpan initial, TimeSpan max)
{
    private int _attempt;

    public TimeSpan Next()
    {
        var exponent = Math.Min(_attempt, 30);
        _attempt++;
        var ceiling = Math.Min(max.Ticks, initial.Ticks * (double)(1L << exponent));

        // "Equal jitter": at least half the delay, so backoff still grows, plus a random share of the rest.
        return TimeSpan.FromTicks((long)(ceiling * (0.5 + (Random.Shared.NextDouble() * 0.5))));
    }

    public void Reset() => _attempt = 0;
}
