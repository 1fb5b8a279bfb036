using System.Diagnostics;
using System.Globalization;
using PoolOperator.Tests.Shared;

namespace PoolOperator.FaultSuite;

/// <summary>
/// One replica of the operator as its own process (<c>pool-operator run</c> with leader election), started again
/// under the same identity after each kill, as a Deployment's pod would be. A watchdog shell kills the operator when
/// this program goes away, even by SIGKILL: the shell's stdin is a pipe from us, and the kernel closes it.
/// </summary>
internal sealed class OperatorReplica(string identity, string operatorPath, string kubeconfig, string ns, string workDirectory) : IAsyncDisposable
{
    // $1: file that receives the operator's pid; $2: log file; the rest: the command.
    private const string WatchdogScript =
        "exec 3<&0; pidfile=$1; log=$2; shift 2; exec 2>>\"$log\"; \"$@\" </dev/null >>\"$log\" 2>&1 & child=$!; echo \"$child\" >\"$pidfile\"; " +
        "( read -r _ <&3; kill -KILL \"$child\" 2>/dev/null ) & reader=$!; " +
        "wait \"$child\"; rc=$?; kill \"$reader\" 2>/dev/null; exit $rc";

    private Process? watchdog;
    private int pid;

    public string Identity => identity;

    public string LogPath => Path.Combine(workDirectory, $"operator-{identity}.log");

    public bool IsRunning => watchdog is { HasExited: false };

    public int Starts { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(workDirectory, $"operator-{identity}.pid");
        File.Delete(pidFile);
        File.AppendAllText(LogPath, $"---- start {Starts + 1} of replica {identity}{Environment.NewLine}");
        var command = OperatorCommand.For(operatorPath);
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", WatchdogScript, "pool-operator", pidFile, LogPath }
                     .Concat(command)
                     .Concat(
                 [
                     "run", "--kubeconfig", kubeconfig, "--urls=http://127.0.0.1:0",
                     "--Operator:LeaderElection=true",
                     $"--Operator:Namespaces:0={ns}",
                     $"--Operator:LeaseNamespace={ns}",
                     $"--Operator:Identity={identity}",
                     // Short lease terms make every kill of the leader a failover within seconds, as in the leader-election tests.
                     "--Operator:LeaseDuration=00:00:04",
                     "--Operator:RenewDeadline=00:00:03",
                     "--Operator:RetryPeriod=00:00:00.500",
                 ]))
        {
            start.ArgumentList.Add(argument);
        }

        watchdog = Process.Start(start) ?? throw new InvalidOperationException("could not start the operator");
        while (!File.Exists(pidFile) || new FileInfo(pidFile).Length == 0)
        {
            if (watchdog.HasExited)
            {
                throw new InvalidOperationException($"operator replica {identity} did not start; see {LogPath}");
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        Starts++;
    }

    /// <summary>SIGKILL: no shutdown hook runs, the Lease is not released, a write in flight is cut off.</summary>
    public async Task KillAsync()
    {
        if (watchdog is null)
        {
            return;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await watchdog.WaitForExitAsync(timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        watchdog.Dispose();
        watchdog = null;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
    }
}
