namespace PoolOperator.Client.Tests;

/// <summary>V2's own error in the router tests.</summary>
internal sealed class PriceNotFoundException(string sku) : Exception($"price of {sku} not found")
{
    public string Sku { get; } = sku;
}
