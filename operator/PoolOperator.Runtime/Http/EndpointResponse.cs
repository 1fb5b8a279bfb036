using System.Globalization;
using System.Text;

namespace PoolOperator.Runtime.Http;

/// <summary>
/// The answer to one <see cref="EndpointRequest"/>. Status and headers may change until the first byte of the body is
/// written; <see cref="SendAsync"/> sends a whole body with its length, <see cref="Body"/> streams one in chunks.
/// </summary>
public sealed class EndpointResponse
{
    private static readonly byte[] LastChunk = "0\r\n\r\n"u8.ToArray();
    private readonly Stream _connection;
    private readonly bool _headOnly;
    private readonly List<KeyValuePair<string, string>> _headers = [];
    private bool _chunked;

    internal EndpointResponse(Stream connection, bool headOnly, bool keepAlive)
    {
        _connection = connection;
        _headOnly = headOnly;
        KeepAlive = keepAlive;
        Body = new ChunkedBody(this);
    }

    /// <summary>The status code; 200 unless set.</summary>
    public int StatusCode { get; set; } = 200;

    /// <summary>The Content-Type header.</summary>
    public string ContentType { get; set; } = "text/plain; charset=utf-8";

    /// <summary>Whether the status line and headers have been sent, after which they can no longer change.</summary>
    public bool HasStarted { get; private set; }

    /// <summary>Whether the connection stays open for another request after this response.</summary>
    internal bool KeepAlive { get; }

    /// <summary>The body as a stream: every write is sent as one chunk, after the status line and headers.</summary>
    public Stream Body { get; }

    /// <summary>Adds a response header (one without line breaks; others are refused).</summary>
    public void AddHeader(string name, string value)
    {
        ObjectDisposedException.ThrowIf(HasStarted, this);
        if (name.AsSpan().IndexOfAny('\r', '\n', ':') >= 0 || value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException($"header '{name}' contains a line break or a colon in its name", nameof(name));
        }

        _headers.Add(new(name, value));
    }

    /// <summary>Sends the status line, headers and the whole <paramref name="body"/> with its Content-Length.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (HasStarted)
        {
            throw new InvalidOperationException("the response has already started");
        }

        await WriteHeadAsync(body.Length, cancellationToken).ConfigureAwait(false);
        if (!_headOnly && body.Length > 0)
        {
            await _connection.WriteAsync(body, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends <paramref name="text"/> as UTF-8 text.</summary>
    public Task SendTextAsync(string text, CancellationToken cancellationToken) =>
        SendAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

    /// <summary>Ends the response: an empty body when nothing was sent, the last chunk after a streamed one.</summary>
    internal async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (!HasStarted)
        {
            await WriteHeadAsync(0, cancellationToken).ConfigureAwait(false);
        }
        else if (_chunked && !_headOnly)
        {
            await _connection.WriteAsync(LastChunk, cancellationToken).ConfigureAwait(false);
        }

        await _connection.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteChunkAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (!HasStarted)
        {
            _chunked = true;
            await WriteHeadAsync(contentLength: null, cancellationToken).ConfigureAwait(false);
        }
        else if (!_chunked)
        {
            throw new InvalidOperationException("the response was sent whole; nothing more can be written");
        }

        if (_headOnly || data.Length == 0)
        {
            return;
        }

        await _connection.WriteAsync(Encoding.ASCII.GetBytes($"{data.Length:x}\r\n"), cancellationToken).ConfigureAwait(false);
        await _connection.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        await _connection.WriteAsync("\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteHeadAsync(int? contentLength, CancellationToken cancellationToken)
    {
        HasStarted = true;
        var head = new StringBuilder(256);
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {StatusCode} {ReasonPhrase(StatusCode)}\r\n");
        head.Append(CultureInfo.InvariantCulture, $"Date: {DateTimeOffset.UtcNow:R}\r\n");
        head.Append(CultureInfo.InvariantCulture, $"Content-Type: {ContentType}\r\n");
        head.Append(contentLength is { } length
            ? string.Create(CultureInfo.InvariantCulture, $"Content-Length: {length}\r\n")
            : "Transfer-Encoding: chunked\r\n");
        if (!KeepAlive)
        {
            head.Append("Connection: close\r\n");
        }

        foreach (var (name, value) in _headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        head.Append("\r\n");
        await _connection.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken).ConfigureAwait(false);
    }

    internal static string ReasonPhrase(int statusCode) => statusCode switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    };

    private sealed class ChunkedBody(EndpointResponse response) : WriteOnlyStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(response.WriteChunkAsync(buffer, cancellationToken));
    }
}
