using System.Globalization;

namespace PoolOperator.Benchmarks.Report;

/// <summary>A limit the operator must meet for one figure.</summary>
internal sealed record Target(Comparison Comparison, double Limit)
{
    public bool IsMetBy(double value) => Comparison == Comparison.AtMost ? value <= Limit : value < Limit;

    /// <summary>How far <paramref name="value"/> is past the limit (0 when it meets it).</summary>
    public double Excess(double value) => IsMetBy(value) ? 0 : value - Limit;

    public override string ToString() =>
        (Comparison == Comparison.AtMost ? "≤ " : "< ") + Limit.ToString("0.##", CultureInfo.InvariantCulture);
}
