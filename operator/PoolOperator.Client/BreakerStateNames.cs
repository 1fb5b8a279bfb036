namespace PoolOperator.Client;

/// <summary>The metric and log names of <see cref="BreakerState"/>.</summary>
internal static class BreakerStateNames
{
    public static string ToLabel(this BreakerState state) => state switch
    {
        BreakerState.Closed => "closed",
        BreakerState.Open => "open",
        BreakerState.HalfOpen => "half_open",
        BreakerState.Isolated => "isolated",
        _ => "unknown",
    };
}
