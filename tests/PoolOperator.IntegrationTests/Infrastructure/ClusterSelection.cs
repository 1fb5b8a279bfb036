using System.Net.Sockets;

namespace PoolOperator.IntegrationTests.Infrastructure;

/// <summary>
/// Picks the cluster once per test run: <c>POOLOPERATOR_TEST_KUBECONFIG</c> first, then K3s when a Docker
/// daemon answers, else the local control plane. <c>POOLOPERATOR_TEST_CLUSTER=local|k3s</c> forces a choice.
/// </summary>
internal sealed record ClusterSelection(ClusterKind Kind, string Reason, string? KubeconfigPath, bool Forced = false)
{
    private static readonly Lazy<ClusterSelection> Decided = new(Decide);

    public static ClusterSelection Current => Decided.Value;

    private static ClusterSelection Decide()
    {
        var kubeconfig = Environment.GetEnvironmentVariable("POOLOPERATOR_TEST_KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(kubeconfig))
        {
            return new(ClusterKind.Existing, $"POOLOPERATOR_TEST_KUBECONFIG={kubeconfig}", kubeconfig);
        }

        var forced = Environment.GetEnvironmentVariable("POOLOPERATOR_TEST_CLUSTER")?.Trim().ToLowerInvariant();
        switch (forced)
        {
            case "local":
                return new(ClusterKind.LocalControlPlane, "POOLOPERATOR_TEST_CLUSTER=local", null, Forced: true);
            case "k3s":
                return new(ClusterKind.K3s, "POOLOPERATOR_TEST_CLUSTER=k3s", null, Forced: true);
        }

        var (reachable, why) = ProbeDocker();
        return reachable
            ? new(ClusterKind.K3s, why, null)
            : new(ClusterKind.LocalControlPlane, $"K3s (Testcontainers) not used: {why}", null);
    }

    private static (bool Reachable, string Why) ProbeDocker()
    {
        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        string socketPath;
        if (!string.IsNullOrWhiteSpace(dockerHost))
        {
            if (!dockerHost.StartsWith("unix://", StringComparison.Ordinal))
            {
                return (true, $"DOCKER_HOST={dockerHost}");
            }

            socketPath = dockerHost["unix://".Length..];
        }
        else
        {
            socketPath = "/var/run/docker.sock";
            if (!File.Exists(socketPath))
            {
                return (false, "no Docker daemon (DOCKER_HOST is not set and /var/run/docker.sock does not exist)");
            }
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            return (true, $"Docker daemon at {socketPath}");
        }
        catch (SocketException e)
        {
            return (false, $"no Docker daemon answers on {socketPath} ({e.Message})");
        }
    }
}
