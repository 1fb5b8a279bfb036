namespace PoolOperator.Client.Tests;

/// <summary>V2's own response shape in the router tests.</summary>
internal sealed record PriceAnswer(long AmountInCents, string Currency);
