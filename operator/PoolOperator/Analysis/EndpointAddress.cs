namespace PoolOperator.Analysis;

internal static class EndpointAddress
{
    /// <summary>Parses an absolute http(s) URL; null for anything else.</summary>
    public static Uri? Parse(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;

    /// <summary>scheme://host:port — the unit one circuit breaker guards, whatever the path or query.</summary>
    public static string Of(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return $"{uri.Scheme}://{uri.Host}:{uri.Port}".ToLowerInvariant();
    }
}
