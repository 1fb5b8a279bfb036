namespace PoolOperator.Benchmarks.Report;

internal enum Comparison
{
    /// <summary>The figure meets the target when it is at most the limit.</summary>
    AtMost,

    /// <summary>The figure meets the target when it is strictly below the limit.</summary>
    Below,
}
