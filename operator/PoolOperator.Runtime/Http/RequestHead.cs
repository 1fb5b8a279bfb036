using System.Globalization;

namespace PoolOperator.Runtime.Http;

/// <summary>The request line and headers of one HTTP/1.x request, or why they cannot be served.</summary>
internal sealed class RequestHead
{
    private RequestHead(EndpointRequest? request, bool keepAlive, long contentLength, bool chunked, int errorStatus, string? error)
    {
        Request = request;
        KeepAlive = keepAlive;
        ContentLength = contentLength;
        Chunked = chunked;
        ErrorStatus = errorStatus;
        Error = error;
    }

    public EndpointRequest? Request { get; }

    /// <summary>Whether the client asked to keep the connection open (HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "keep-alive").</summary>
    public bool KeepAlive { get; }

    /// <summary>The length of the body that follows the headers, from Content-Length; 0 when there is none.</summary>
    public long ContentLength { get; }

    /// <summary>Whether a body of unknown length follows (any Transfer-Encoding).</summary>
    public bool Chunked { get; }

    public int ErrorStatus { get; }

    public string? Error { get; }

    /// <summary>Parses <paramref name="head"/>: everything before the blank line that ends the headers.</summary>
    public static RequestHead Parse(string head)
    {
        var lines = head.Split('\n');
        var requestLine = lines[0].TrimEnd('\r').Split(' ');
        if (requestLine.Length != 3 || requestLine[0].Length == 0 || requestLine[1].Length == 0)
        {
            return Fail(400, "malformed request line");
        }

        var (method, target, version) = (requestLine[0], requestLine[1], requestLine[2]);
        if (version is not ("HTTP/1.1" or "HTTP/1.0"))
        {
            return Fail(505, $"unsupported protocol version '{version}'; this server speaks HTTP/1.1");
        }

        if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            // The absolute form a client sends through a proxy: the path follows the authority.
            var pathStart = target.IndexOf('/', "http://".Length);
            target = pathStart < 0 ? "/" : target[pathStart..];
        }
        else if (!target.StartsWith('/'))
        {
            return Fail(400, $"request target '{target}' is not a path");
        }

        var headers = new List<KeyValuePair<string, string>>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || char.IsWhiteSpace(line[0]) || char.IsWhiteSpace(line[colon - 1]))
            {
                return Fail(400, $"malformed header line {i}");
            }

            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }

        var query = target.IndexOf('?', StringComparison.Ordinal);
        var request = new EndpointRequest(method, query < 0 ? target : target[..query], query < 0 ? "" : target[query..], headers);
        var connection = request.Header("Connection") ?? "";
        var keepAlive = version == "HTTP/1.1"
            ? !HasToken(connection, "close")
            : HasToken(connection, "keep-alive");
        long contentLength = 0;
        if (request.Header("Content-Length") is { } length && !long.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out contentLength))
        {
            return Fail(400, $"Content-Length '{length}' is not a length");
        }

        return new RequestHead(request, keepAlive, contentLength, chunked: request.Header("Transfer-Encoding") is not null, 0, null);
    }

    private static bool HasToken(string list, string token) =>
        list.Split(',', StringSplitOptions.TrimEntries).Contains(token, StringComparer.OrdinalIgnoreCase);

    private static RequestHead Fail(int status, string error) => new(null, keepAlive: false, contentLength: 0, chunked: false, status, error);
}
