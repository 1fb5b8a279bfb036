namespace PoolOperator.Client;

/// <summary>When the circuit breaker stops sending live calls to V2.</summary>
public sealed class BreakerOptions
{
    /// <summary>Turns the breaker on; when off, V2 failures always reach the caller and V2 keeps its share.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Share of failed V2 calls within <see cref="SamplingDuration"/> that opens the breaker (0–1].</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>The fewest V2 calls within <see cref="SamplingDuration"/> before the ratio counts (at least 2).</summary>
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>The window over which failures are counted (at least 0.5 s).</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long V2 gets no live calls once open, before one trial call decides (at least 0.5 s).</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
