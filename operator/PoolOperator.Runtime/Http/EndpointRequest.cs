namespace PoolOperator.Runtime.Http;

/// <summary>A GET or HEAD request as the <see cref="EndpointServer"/> parsed it: method, path and headers, no body.</summary>
public sealed class EndpointRequest
{
    private readonly List<KeyValuePair<string, string>> _headers;

    internal EndpointRequest(string method, string path, string query, List<KeyValuePair<string, string>> headers)
    {
        Method = method;
        Path = path;
        Query = query;
        _headers = headers;
    }

    /// <summary>GET or HEAD.</summary>
    public string Method { get; }

    /// <summary>The path of the request target, without the query string.</summary>
    public string Path { get; }

    /// <summary>The query string, with its leading '?', or empty.</summary>
    public string Query { get; }

    /// <summary>The values of every header named <paramref name="name"/> (case-insensitive), joined by ", "; null when there is none.</summary>
    public string? Header(string name)
    {
        string? joined = null;
        foreach (var (key, value) in _headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                joined = joined is null ? value : $"{joined}, {value}";
            }
        }

        return joined;
    }
}
