namespace PoolOperator.Client;

/// <summary>Totals of the shadow comparisons since the client started, with the latest mismatches.</summary>
public sealed record ShadowReport
{
    /// <summary>Comparisons finished.</summary>
    public long Comparisons { get; init; }

    /// <summary>Comparisons that matched.</summary>
    public long Matches { get; init; }

    /// <summary>Comparisons that did not match.</summary>
    public long Mismatches { get; init; }

    /// <summary>Shadow calls dropped because the queue was full.</summary>
    public long Drops { get; init; }

    /// <summary>Mismatches by their most serious category (labels as in metrics, e.g. <c>value</c>, <c>error_vs_success</c>).</summary>
    public required IReadOnlyDictionary<string, long> MismatchesByCategory { get; init; }

    /// <summary>The latest mismatches, newest last, at most <see cref="ShadowOptions.MismatchSampleSize"/>.</summary>
    public required IReadOnlyList<ShadowComparison> Samples { get; init; }

    /// <summary>Mismatches divided by comparisons; 0 before any comparison.</summary>
    public double MismatchRatio => Comparisons == 0 ? 0 : (double)Mismatches / Comparisons;
}
