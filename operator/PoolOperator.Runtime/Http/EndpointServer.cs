using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PoolOperator.Runtime.Http;

/// <summary>
/// A small HTTP/1.1 server for the operator's probes and scrapes: GET and HEAD on a fixed set of paths, keep-alive,
/// bounded headers, time limits. It stands in for ASP.NET Core's Kestrel, whose code and data cost the natively compiled
/// operator about 6 MiB of resident memory for three read-only endpoints (docs/benchmarks.md "Memory").
/// </summary>
public sealed class EndpointServer : IHostedService, IAsyncDisposable
{
    private readonly Dictionary<string, EndpointHandler> _handlers;
    private readonly IConfiguration _configuration;
    private readonly EndpointServerLimits _limits;
    private readonly ILogger<EndpointServer> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Socket> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly ConcurrentDictionary<int, Task> _connections = new();
    private readonly SemaphoreSlim _connectionSlots;
    private readonly string _pathList;
    private int _nextConnection;
    private int _disposed;

    /// <summary>Creates the server for <paramref name="endpoints"/>, listening where <paramref name="configuration"/> says (<see cref="ListenAddresses"/>).</summary>
    public EndpointServer(IEnumerable<HttpEndpoint> endpoints, IConfiguration configuration, ILogger<EndpointServer> logger)
        : this(endpoints, configuration, logger, EndpointServerLimits.Default)
    {
    }

    internal EndpointServer(IEnumerable<HttpEndpoint> endpoints, IConfiguration configuration, ILogger<EndpointServer> logger, EndpointServerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        _handlers = new Dictionary<string, EndpointHandler>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints)
        {
            if (!endpoint.Path.StartsWith('/') || !_handlers.TryAdd(endpoint.Path, endpoint.Handle))
            {
                throw new ArgumentException($"endpoint path '{endpoint.Path}' does not start with '/' or is registered twice", nameof(endpoints));
            }
        }

        _pathList = string.Join(", ", _handlers.Keys.Order(StringComparer.Ordinal));
        _configuration = configuration;
        _logger = logger;
        _limits = limits;
        _connectionSlots = new SemaphoreSlim(limits.MaxConnections, limits.MaxConnections);
    }

    /// <summary>Where the server listens once started, with the ports the system chose for port 0.</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    /// <summary>Binds every configured address; throws, binding nothing, when one cannot be bound.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var addresses = new List<Uri>();
        try
        {
            foreach (var address in ListenAddresses.From(_configuration))
            {
                Bind(address, addresses);
            }
        }
        catch
        {
            CloseListeners();
            throw;
        }

        Addresses = addresses;
        foreach (var listener in _listeners)
        {
            _acceptLoops.Add(AcceptAsync(listener, _stopping.Token));
        }

        _logger.LogInformation("Serving {Paths} on {Addresses}", _pathList, string.Join(", ", addresses));
        return Task.CompletedTask;
    }

    /// <summary>Stops accepting, ends the open connections and waits for them (until <paramref name="cancellationToken"/>).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stopping again, or after disposal, finds the token cancelled and changes nothing.
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        CloseListeners();
        await Task.WhenAll([.. _acceptLoops, .. _connections.Values]).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // The container disposes it twice: as itself and as the hosted service resolved from it.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
        _connectionSlots.Dispose();
    }

    private void Bind(ListenAddress address, List<Uri> bound)
    {
        switch (address.Scope)
        {
            case ListenScope.Any when address.Address.Equals(IPAddress.IPv6Any) && Socket.OSSupportsIPv6:
                bound.Add(Listen(address, new IPEndPoint(IPAddress.IPv6Any, address.Port), dualMode: true));
                break;
            case ListenScope.Any:
                bound.Add(Listen(address, new IPEndPoint(IPAddress.Any, address.Port), dualMode: false));
                break;
            case ListenScope.Loopback:
                var v4 = Listen(address, new IPEndPoint(IPAddress.Loopback, address.Port), dualMode: false);
                bound.Add(v4);
                if (Socket.OSSupportsIPv6)
                {
                    try
                    {
                        // The same port on [::1], as Kestrel does for localhost; a machine without IPv6 loopback keeps 127.0.0.1 only.
                        bound.Add(Listen(address, new IPEndPoint(IPAddress.IPv6Loopback, v4.Port), dualMode: false));
                    }
                    catch (IOException e)
                    {
                        _logger.LogDebug(e, "Not listening on [::1]:{Port}", v4.Port);
                    }
                }

                break;
            default:
                bound.Add(Listen(address, new IPEndPoint(address.Address, address.Port), dualMode: false));
                break;
        }
    }

    private Uri Listen(ListenAddress address, IPEndPoint endPoint, bool dualMode)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (dualMode)
            {
                socket.DualMode = true;
            }

            socket.Bind(endPoint);
            socket.Listen(_limits.Backlog);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            var reason = e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "address already in use",
                SocketError.AddressNotAvailable => "not an address of this machine",
                SocketError.AccessDenied => "permission denied (ports below 1024 need privileges)",
                _ => e.Message,
            };
            throw new IOException($"Failed to bind to {address.Url} ({endPoint}): {reason}", e);
        }

        _listeners.Add(socket);
        var local = (IPEndPoint)socket.LocalEndPoint!;
        var host = local.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{local.Address}]" : local.Address.ToString();
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{local.Port}"));
    }

    private void CloseListeners()
    {
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }
    }

    private async Task AcceptAsync(Socket listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                // Past the limit, new connections wait in the listen backlog rather than being refused.
                await _connectionSlots.WaitAsync(stopping).ConfigureAwait(false);
                try
                {
                    client = await listener.AcceptAsync(stopping).ConfigureAwait(false);
                }
                catch
                {
                    _connectionSlots.Release();
                    throw;
                }
            }
            catch (Exception e) when (stopping.IsCancellationRequested && e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // A connection reset while queued, or the process out of descriptors: the listener itself stays usable.
                _logger.LogWarning("Accepting a connection failed: {Error}", e.Message);
                continue;
            }

            // Registered before it runs, so a connection that ends at once cannot leave its entry behind.
            var id = Interlocked.Increment(ref _nextConnection);
            var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _connections[id] = ended.Task;
            _ = ServeAsync(id, client, ended, stopping);
        }
    }

    private async Task ServeAsync(int id, Socket client, TaskCompletionSource ended, CancellationToken stopping)
    {
        await Task.Yield();
        try
        {
            client.NoDelay = true;
            await using var stream = new NetworkStream(client, ownsSocket: true);
            await new Connection(this, stream).RunAsync(stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away, a limit ran out, or the server is stopping: the connection just ends.
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "A connection to the endpoint server failed");
        }
        finally
        {
            _connections.TryRemove(id, out _);
            _connectionSlots.Release();
            ended.SetResult();
        }
    }

    /// <summary>One client connection: requests read and answered one after another until either side closes it.</summary>
    private sealed class Connection(EndpointServer server, NetworkStream stream)
    {
        private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(server._limits.MaxHeaderBytes);
        private int _filled;

        public async Task RunAsync(CancellationToken stopping)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            try
            {
                while (await ServeOneAsync(deadline).ConfigureAwait(false))
                {
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }
        }

        /// <summary>Reads one request and answers it; false when the connection must close.</summary>
        private async Task<bool> ServeOneAsync(CancellationTokenSource deadline)
        {
            var limits = server._limits;
            deadline.CancelAfter(_filled == 0 ? limits.KeepAliveTimeout : limits.RequestHeadersTimeout);
            int headerEnd;
            while ((headerEnd = _buffer.AsSpan(0, _filled).IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (_filled == limits.MaxHeaderBytes)
                {
                    await RefuseAsync(431, $"request headers exceed {limits.MaxHeaderBytes} bytes", deadline).ConfigureAwait(false);
                    return false;
                }

                var read = await stream.ReadAsync(_buffer.AsMemory(_filled, limits.MaxHeaderBytes - _filled), deadline.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return false;
                }

                if (_filled == 0)
                {
                    deadline.CancelAfter(limits.RequestHeadersTimeout);
                }

                _filled += read;
            }

            var head = Encoding.Latin1.GetString(_buffer, 0, headerEnd);
            var consumed = headerEnd + 4;
            _buffer.AsSpan(consumed, _filled - consumed).CopyTo(_buffer);
            _filled -= consumed;

            var parsed = RequestHead.Parse(head);
            if (parsed.Error is { } error)
            {
                await RefuseAsync(parsed.ErrorStatus, error, deadline).ConfigureAwait(false);
                return false;
            }

            var request = parsed.Request!;
            // Requests to these endpoints carry no body. A short one is read and dropped so the connection can go
            // on; after a long or chunked one the connection closes rather than read on into what is not a request.
            var keepAlive = parsed.KeepAlive && !parsed.Chunked;
            if (parsed.ContentLength > limits.MaxHeaderBytes)
            {
                keepAlive = false;
            }
            else if (parsed.ContentLength > 0)
            {
                await DiscardAsync((int)parsed.ContentLength, deadline.Token).ConfigureAwait(false);
            }

            deadline.CancelAfter(limits.ResponseTimeout);
            var response = new EndpointResponse(stream, headOnly: request.Method == "HEAD", keepAlive);
            if (!server._handlers.TryGetValue(request.Path, out var handler))
            {
                response.StatusCode = 404;
                await response.SendTextAsync($"not found: {request.Path}; this server answers {server._pathList}\n", deadline.Token).ConfigureAwait(false);
            }
            else if (request.Method is not ("GET" or "HEAD"))
            {
                response.StatusCode = 405;
                response.AddHeader("Allow", "GET, HEAD");
                await response.SendTextAsync($"{request.Path} answers GET and HEAD, not {request.Method}\n", deadline.Token).ConfigureAwait(false);
            }
            else
            {
                try
                {
                    await handler(request, response, deadline.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !deadline.IsCancellationRequested)
                {
                    server._logger.LogWarning(e, "Answering {Method} {Path} failed", request.Method, request.Path);
                    if (response.HasStarted)
                    {
                        return false;
                    }

                    response.StatusCode = 500;
                    await response.SendTextAsync($"{request.Path} failed: {e.Message}\n", deadline.Token).ConfigureAwait(false);
                }
            }

            await response.CompleteAsync(deadline.Token).ConfigureAwait(false);
            if (!response.KeepAlive && (parsed.Chunked || parsed.ContentLength > 0))
            {
                await CloseReadingWhatIsLeftAsync().ConfigureAwait(false);
            }

            return response.KeepAlive;
        }

        private async Task DiscardAsync(int length, CancellationToken cancellationToken)
        {
            while (_filled < length)
            {
                var read = await stream.ReadAsync(_buffer.AsMemory(_filled, length - _filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IOException("the client closed the connection inside a request body");
                }

                _filled += read;
            }

            _buffer.AsSpan(length, _filled - length).CopyTo(_buffer);
            _filled -= length;
        }

        private async Task RefuseAsync(int status, string reason, CancellationTokenSource deadline)
        {
            deadline.CancelAfter(server._limits.ResponseTimeout);
            var response = new EndpointResponse(stream, headOnly: false, keepAlive: false) { StatusCode = status };
            await response.SendTextAsync(reason + "\n", deadline.Token).ConfigureAwait(false);
            await response.CompleteAsync(deadline.Token).ConfigureAwait(false);
            await CloseReadingWhatIsLeftAsync().ConfigureAwait(false);
        }

        /// <summary>
        /// Ends the connection while the client may still be sending. Closing with unread input makes the system reset
        /// the connection, and a reset can discard the answer before the client has read it; so the sending side is
        /// shut first and what still arrives is read and dropped, for a bounded time and number of bytes.
        /// </summary>
        private async Task CloseReadingWhatIsLeftAsync()
        {
            var limits = server._limits;
            try
            {
                stream.Socket.Shutdown(SocketShutdown.Send);
                using var limit = new CancellationTokenSource(limits.LingerTimeout);
                var drained = 0;
                int read;
                while (drained < limits.LingerBytes && (read = await stream.ReadAsync(_buffer, limit.Token).ConfigureAwait(false)) > 0)
                {
                    drained += read;
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // The client went away or kept sending past the bounds: the connection closes either way.
            }
        }
    }
}

/// <summary>The bounds every connection works within.</summary>
/// <param name="MaxConnections">Connections served at once; more wait in the listen backlog.</param>
/// <param name="Backlog">Connections the system queues before refusing.</param>
/// <param name="MaxHeaderBytes">The largest request line plus headers accepted.</param>
/// <param name="KeepAliveTimeout">How long an idle connection stays open for its next request.</param>
/// <param name="RequestHeadersTimeout">How long a request may take to arrive once it has begun.</param>
/// <param name="ResponseTimeout">How long answering a request, including sending it, may take.</param>
/// <param name="LingerTimeout">How long a connection closed by the server keeps reading what the client still sends.</param>
/// <param name="LingerBytes">How much it reads before closing regardless.</param>
internal sealed record EndpointServerLimits(
    int MaxConnections,
    int Backlog,
    int MaxHeaderBytes,
    TimeSpan KeepAliveTimeout,
    TimeSpan RequestHeadersTimeout,
    TimeSpan ResponseTimeout,
    TimeSpan LingerTimeout,
    int LingerBytes)
{
    /// <summary>Kestrel's keep-alive and header timeouts; room for every probe and scraper of one operator.</summary>
    public static readonly EndpointServerLimits Default = new(
        MaxConnections: 64,
        Backlog: 128,
        MaxHeaderBytes: 16 * 1024,
        KeepAliveTimeout: TimeSpan.FromSeconds(130),
        RequestHeadersTimeout: TimeSpan.FromSeconds(30),
        ResponseTimeout: TimeSpan.FromSeconds(30),
        LingerTimeout: TimeSpan.FromSeconds(2),
        LingerBytes: 1024 * 1024);
}
