using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using PoolOperator.Runtime.Http;
using Xunit;

namespace PoolOperator.UnitTests.Runtime.Http;

/// <summary>The operator's HTTP server on a real loopback socket: what probes, scrapers and stray clients get back.</summary>
public sealed class EndpointServerTests : IAsyncLifetime
{
    private static readonly EndpointServerLimits SmallHeaders = EndpointServerLimits.Default with { MaxHeaderBytes = 1024 };

    private bool _ready = true;
    private EndpointServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = Start("http://127.0.0.1:0",
            new HttpEndpoint("/readyz", (_, response, ct) =>
            {
                response.StatusCode = _ready ? 200 : 503;
                return response.SendTextAsync(_ready ? "ok" : "waiting for informers to sync: pods", ct);
            }),
            new HttpEndpoint("/stream", async (_, response, ct) =>
            {
                response.ContentType = "text/plain; version=0.0.4";
                await response.Body.WriteAsync("first line\n"u8.ToArray(), ct);
                await response.Body.WriteAsync("second line\n"u8.ToArray(), ct);
            }),
            new HttpEndpoint("/fails", (_, _, _) => throw new InvalidOperationException("the check broke")));
        await _server.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AProbeGetsTheCheckStatusAndItsDetail()
    {
        using var http = new HttpClient { BaseAddress = _server.Addresses[0] };
        var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ok", await ready.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", ready.Content.Headers.ContentType?.ToString());

        _ready = false;
        var waiting = await http.GetAsync(new Uri("/readyz?verbose", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, waiting.StatusCode);
        Assert.Equal("waiting for informers to sync: pods", await waiting.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AStreamedBodyArrivesWholeWithTheHandlersContentType()
    {
        using var http = new HttpClient { BaseAddress = _server.Addresses[0] };
        var response = await http.GetAsync(new Uri("/stream", UriKind.Relative));
        Assert.Equal("first line\nsecond line\n", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; version=0.0.4", response.Content.Headers.ContentType?.ToString());
        Assert.True(response.Headers.TransferEncodingChunked);
    }

    [Fact]
    public async Task UnknownPathsAndOtherMethodsAreRefusedByName()
    {
        using var http = new HttpClient { BaseAddress = _server.Addresses[0] };
        var missing = await http.GetAsync(new Uri("/metric", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("not found: /metric; this server answers /fails, /readyz, /stream\n", await missing.Content.ReadAsStringAsync());

        var post = await http.PostAsync(new Uri("/readyz", UriKind.Relative), new StringContent("x"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(["GET", "HEAD"], post.Content.Headers.Allow.Order());
    }

    [Fact]
    public async Task HeadGetsTheHeadersOfGetWithoutTheBody()
    {
        await using var connection = await RawConnection.OpenAsync(_server.Addresses[0]);
        await connection.SendAsync("HEAD /readyz HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        var answer = await connection.ReadToEndAsync();

        // The body appears once, after the second (GET) response only.
        var responses = answer.Split("HTTP/1.1 200 OK\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, responses.Length);
        Assert.Contains("Content-Length: 2\r\n", responses[0], StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", responses[0], StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nok", responses[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneConnectionServesRequestsInTurnUntilTheClientAsksToClose()
    {
        await using var connection = await RawConnection.OpenAsync(_server.Addresses[0]);
        await connection.SendAsync("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.EndsWith("\r\n\r\nok", await connection.ReadAsync(expectedEnd: "ok"), StringComparison.Ordinal);

        await connection.SendAsync("GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        var last = await connection.ReadToEndAsync();
        Assert.Contains("Connection: close\r\n", last, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nok", last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AShortBodyIsReadPastAndTheConnectionGoesOn()
    {
        await using var connection = await RawConnection.OpenAsync(_server.Addresses[0]);
        await connection.SendAsync("POST /readyz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
                                   "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        var answer = await connection.ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 405 Method Not Allowed\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("/readyz answers GET and HEAD, not POST\nHTTP/1.1 200 OK\r\n", answer, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nok", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIdleConnectionIsClosedAfterTheKeepAliveTimeout()
    {
        // A server of its own: a keep-alive this short would close the other tests' reused connections under them.
        await using var server = Start("http://127.0.0.1:0", EndpointServerLimits.Default with { KeepAliveTimeout = TimeSpan.FromMilliseconds(300) },
            new HttpEndpoint("/readyz", (_, response, ct) => response.SendTextAsync("ok", ct)));
        await server.StartAsync(CancellationToken.None);
        await using var connection = await RawConnection.OpenAsync(server.Addresses[0]);
        await connection.SendAsync("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n");

        // The server ends the connection by itself: the read sees the end of the stream, not a client-side timeout.
        var answer = await connection.ReadToEndAsync();
        Assert.EndsWith("\r\n\r\nok", answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n", "HTTP/1.1 400 Bad Request", "malformed request line")]
    [InlineData("GET /readyz HTTP/2.0\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported", "unsupported protocol version 'HTTP/2.0'; this server speaks HTTP/1.1")]
    [InlineData("GET readyz HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request", "request target 'readyz' is not a path")]
    [InlineData("GET /readyz HTTP/1.1\r\nno colon here\r\n\r\n", "HTTP/1.1 400 Bad Request", "malformed header line 1")]
    [InlineData("GET /readyz HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 400 Bad Request", "Content-Length '-1' is not a length")]
    public async Task AMalformedRequestGetsItsReasonAndTheConnectionCloses(string request, string statusLine, string reason)
    {
        await using var connection = await RawConnection.OpenAsync(_server.Addresses[0]);
        await connection.SendAsync(request);
        var answer = await connection.ReadToEndAsync();
        Assert.StartsWith(statusLine + "\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("Connection: close\r\n", answer, StringComparison.Ordinal);
        Assert.EndsWith(reason + "\n", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeadersPastTheLimitAreRefusedWith431()
    {
        await using var connection = await RawConnection.OpenAsync(_server.Addresses[0]);
        await connection.SendAsync($"GET /readyz HTTP/1.1\r\nX-Filler: {new string('a', 2000)}\r\n\r\n");
        var answer = await connection.ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n", answer, StringComparison.Ordinal);
        Assert.EndsWith("request headers exceed 1024 bytes\n", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailingHandlerGets500AndTheServerGoesOnServing()
    {
        using var http = new HttpClient { BaseAddress = _server.Addresses[0] };
        var failed = await http.GetAsync(new Uri("/fails", UriKind.Relative));
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("/fails failed: the check broke\n", await failed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task AnAddressInUseFailsTheStartNamingTheAddress()
    {
        var taken = $"http://127.0.0.1:{_server.Addresses[0].Port}";
        await using var second = Start($"http://127.0.0.1:0;{taken}");
        var error = await Assert.ThrowsAsync<IOException>(() => second.StartAsync(CancellationToken.None));
        Assert.StartsWith($"Failed to bind to {taken} (127.0.0.1:{_server.Addresses[0].Port}): address already in use", error.Message, StringComparison.Ordinal);
        Assert.Empty(second.Addresses);
    }

    [Fact]
    public async Task AStoppedServerNoLongerAcceptsConnections()
    {
        var address = _server.Addresses[0];
        await _server.StopAsync(CancellationToken.None);
        using var client = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, address.Port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task DisposingTwiceAsTheContainerDoesIsHarmless()
    {
        // The host's container disposes the server once as itself and once as the hosted service resolved from it.
        await _server.DisposeAsync();
        await _server.DisposeAsync();
        await _server.StopAsync(CancellationToken.None);
    }

    private static EndpointServer Start(string urls, params HttpEndpoint[] endpoints) => Start(urls, SmallHeaders, endpoints);

    private static EndpointServer Start(string urls, EndpointServerLimits limits, params HttpEndpoint[] endpoints) => new(
        endpoints,
        new ConfigurationBuilder().AddInMemoryCollection([new("urls", urls)]).Build(),
        NullLogger<EndpointServer>.Instance,
        limits);

    /// <summary>A client that writes requests byte for byte and reads what comes back, as no HTTP client library would.</summary>
    private sealed class RawConnection : IAsyncDisposable
    {
        private readonly TcpClient _client;
        private readonly NetworkStream _stream;
        private readonly StringBuilder _received = new();

        private RawConnection(TcpClient client)
        {
            _client = client;
            _stream = client.GetStream();
        }

        public static async Task<RawConnection> OpenAsync(Uri address)
        {
            var client = new TcpClient();
            await client.ConnectAsync(address.Host, address.Port);
            return new RawConnection(client);
        }

        public Task SendAsync(string text) => _stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

        /// <summary>Reads until what arrived so far ends with <paramref name="expectedEnd"/>, and returns it.</summary>
        public async Task<string> ReadAsync(string expectedEnd)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var buffer = new byte[4096];
            while (!_received.ToString().EndsWith(expectedEnd, StringComparison.Ordinal))
            {
                var read = await _stream.ReadAsync(buffer, limit.Token);
                Assert.True(read > 0, $"the server closed the connection after: {_received}");
                _received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            var text = _received.ToString();
            _received.Clear();
            return text;
        }

        /// <summary>Reads until the server closes the connection.</summary>
        public async Task<string> ReadToEndAsync()
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var buffer = new byte[4096];
            int read;
            while ((read = await _stream.ReadAsync(buffer, limit.Token)) > 0)
            {
                _received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            return _received.ToString();
        }

        public async ValueTask DisposeAsync()
        {
            await _stream.DisposeAsync();
            _client.Dispose();
        }
    }
}
