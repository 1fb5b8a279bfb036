namespace PoolOperator.Client;

/// <summary>The verdict of comparing a V1 and a V2 outcome.</summary>
public sealed record ComparisonResult
{
    /// <summary>A match: no differences outside the ignored fields.</summary>
    public static ComparisonResult Match { get; } = new() { Differences = [] };

    /// <summary>Every difference found, in document order.</summary>
    public required IReadOnlyList<Difference> Differences { get; init; }

    /// <summary>True when nothing differs.</summary>
    public bool IsMatch => Differences.Count == 0;

    /// <summary>The most serious kind of difference (the order of <see cref="DifferenceKind"/>); null for a match.</summary>
    public DifferenceKind? Category => IsMatch ? null : Differences.Min(d => d.Kind);
}
