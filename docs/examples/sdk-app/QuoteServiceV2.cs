namespace SdkApp;

/// <summary>The implementation being introduced.</summary>
internal sealed class QuoteServiceV2(V2Mode mode)
{
    public async ValueTask<Quote> QuoteAsync(string sku, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(1), cancellationToken);
        return mode switch
        {
            V2Mode.Fail => throw new InvalidOperationException("quote service V2 is failing (SDK_APP_V2_MODE=fail)"),
            V2Mode.Diverge => new Quote(sku, Prices.Of(sku) + 0.01m, "EUR", "v2", Guid.NewGuid().ToString("N")),
            V2Mode.Same or _ => new Quote(sku, Prices.Of(sku), "EUR", "v2", Guid.NewGuid().ToString("N")),
        };
    }
}
