using System.Net;
using System.Net.Sockets;

namespace PoolOperator.LocalCluster;

internal static class FreePort
{
    /// <summary>A loopback port the kernel considers free right now.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
