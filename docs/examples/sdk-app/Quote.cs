namespace SdkApp;

/// <summary>The endpoint's answer. <c>servedBy</c> and <c>requestId</c> differ by design and are ignored in comparisons.</summary>
internal sealed record Quote(string Sku, decimal Price, string Currency, string ServedBy, string RequestId);
