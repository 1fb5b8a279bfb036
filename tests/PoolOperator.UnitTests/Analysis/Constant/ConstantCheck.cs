namespace PoolOperator.UnitTests.Analysis.Constant;

/// <summary>The <c>constant</c> section of a check: a number known in advance, optionally answered late.</summary>
internal sealed class ConstantCheck
{
    public double Value { get; init; }

    public int? TimeoutSeconds { get; init; }

    /// <summary>How long the provider takes to answer.</summary>
    public int DelaySeconds { get; init; }
}
