namespace PoolOperator.Client.Tests;

/// <summary>A result both pools return in the tests.</summary>
internal sealed record Quote(decimal Price, string Currency, string? ServedBy = null);
