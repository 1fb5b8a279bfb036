namespace PoolOperator.Benchmarks.Report;

/// <summary>One figure the benchmark reports: where it belongs, how it is shown, and its target at a given scale.</summary>
internal sealed record FigureDefinition(
    string Id,
    string Section,
    string Title,
    string Unit,
    int Decimals,
    string TargetText = "",
    Func<int, Target?>? TargetAt = null)
{
    public Target? TargetFor(int migrations) => TargetAt?.Invoke(migrations);
}
