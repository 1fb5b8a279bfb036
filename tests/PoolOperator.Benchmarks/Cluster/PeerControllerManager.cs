using System.Diagnostics;

namespace PoolOperator.Benchmarks.Cluster;

/// <summary>
/// A second kube-controller-manager on the same apiserver that runs only the real deployment controller, for the
/// peer measurement. A watchdog shell kills it when this process goes away, even by SIGKILL: the shell's stdin is a
/// pipe from us, and the kernel closes it.
/// </summary>
internal sealed class PeerControllerManager : IAsyncDisposable
{
    // $1: log file; the rest: the command.
    private const string WatchdogScript =
        "exec 3<&0; log=$1; shift; exec 2>>\"$log\"; \"$@\" </dev/null >>\"$log\" 2>&1 & child=$!; " +
        "( read -r _ <&3; kill -KILL \"$child\" 2>/dev/null ) & reader=$!; " +
        "wait \"$child\"; rc=$?; kill \"$reader\" 2>/dev/null; exit $rc";

    private readonly Process watchdog;
    private int disposed;

    private PeerControllerManager(Process watchdog, string logPath)
    {
        this.watchdog = watchdog;
        LogPath = logPath;
    }

    public string LogPath { get; }

    public bool HasExited => watchdog.HasExited;

    /// <summary>Starts <paramref name="executable"/> with only the deployment controller, as the cluster admin.</summary>
    public static PeerControllerManager Start(string executable, string kubeconfig, string logPath)
    {
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in new[]
                 {
                     "-c", WatchdogScript, "peer-controller-manager", logPath, executable,
                     $"--kubeconfig={kubeconfig}",
                     "--controllers=deployment",
                     "--leader-elect=false",
                     "--secure-port=0",
                     // 1.20 also serves plain HTTP on 10252 unless told not to; the main controller manager may hold it.
                     "--port=0",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var watchdog = Process.Start(start) ?? throw new InvalidOperationException("could not start kube-controller-manager");
        return new PeerControllerManager(watchdog, logPath);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        try
        {
            watchdog.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await watchdog.WaitForExitAsync(timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!watchdog.HasExited)
        {
            watchdog.Kill(entireProcessTree: true);
        }

        watchdog.Dispose();
    }
}
