namespace PoolOperator.Client;

/// <summary>Limits on the background V2 calls made for comparison.</summary>
public sealed class ShadowOptions
{
    /// <summary>How many shadow calls run at once.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>How many shadow calls may wait for a free slot; beyond that they are dropped and counted.</summary>
    public int QueueCapacity { get; set; } = 64;

    /// <summary>How long a shadow call may take before it is cancelled and recorded as a timeout.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many of the latest mismatches are kept for inspection.</summary>
    public int MismatchSampleSize { get; set; } = 20;
}
