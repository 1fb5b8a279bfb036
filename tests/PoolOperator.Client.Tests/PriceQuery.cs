namespace PoolOperator.Client.Tests;

/// <summary>V2's own request shape in the router tests.</summary>
internal sealed record PriceQuery(string Sku, string Currency);
