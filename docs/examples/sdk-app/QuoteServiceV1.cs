namespace SdkApp;

/// <summary>The implementation being retired.</summary>
internal sealed class QuoteServiceV1
{
    public async ValueTask<Quote> QuoteAsync(string sku, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(2), cancellationToken);
        return new Quote(sku, Prices.Of(sku), "EUR", "v1", Guid.NewGuid().ToString("N"));
    }
}
