namespace PoolOperator.Core;

/// <summary>A spec problem: <paramref name="Field"/> is a JSON path such as <c>spec.stages[2].weight</c>.</summary>
public sealed record SpecProblem(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
