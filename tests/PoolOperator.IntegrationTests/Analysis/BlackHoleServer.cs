using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace PoolOperator.IntegrationTests.Analysis;

/// <summary>
/// A TCP listener on 127.0.0.1 that accepts every connection and never answers: the worst kind of dead endpoint,
/// where only a timeout ends a request.
/// </summary>
internal sealed class BlackHoleServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<TcpClient> held = [];
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;
    private int accepted;

    private BlackHoleServer()
    {
        listener.Start();
        accepting = AcceptAsync();
    }

    /// <summary>http://127.0.0.1:port with no trailing slash.</summary>
    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref accepted);

    public static BlackHoleServer Start() => new();

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        try
        {
            await accepting;
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var client in held)
        {
            client.Dispose();
        }

        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            // Kept open and never read: the request sits in the socket buffer until the caller gives up.
            held.Add(client);
            Interlocked.Increment(ref accepted);
        }
    }
}
