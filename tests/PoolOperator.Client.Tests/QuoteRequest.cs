namespace PoolOperator.Client.Tests;

/// <summary>The old API's request in the router tests.</summary>
internal sealed record QuoteRequest(string Sku);
