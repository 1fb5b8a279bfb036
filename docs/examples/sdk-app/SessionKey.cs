namespace SdkApp;

/// <summary>The session a request belongs to: the <c>X-Session-Id</c> header, else the <c>session</c> query parameter.</summary>
internal static class SessionKey
{
    public const string Header = "X-Session-Id";

    public static string Of(HttpRequest request) =>
        request.Headers.TryGetValue(Header, out var header) && !string.IsNullOrWhiteSpace(header)
            ? header.ToString()
            : request.Query.TryGetValue("session", out var query) && !string.IsNullOrWhiteSpace(query)
                ? query.ToString()
                : "anonymous";
}
