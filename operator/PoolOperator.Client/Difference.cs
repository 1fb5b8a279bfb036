namespace PoolOperator.Client;

/// <summary>One difference between the V1 and the V2 result.</summary>
/// <param name="Path">Where, as a JSON path (<c>$</c> for the whole result).</param>
/// <param name="Kind">What kind of difference.</param>
/// <param name="V1">V1's side as JSON text or exception type; null when absent.</param>
/// <param name="V2">V2's side as JSON text or exception type; null when absent.</param>
public sealed record Difference(string Path, DifferenceKind Kind, string? V1, string? V2);
