using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using PoolOperator.Tests.Shared;

namespace PoolOperator.Benchmarks.OperatorUnderTest;

/// <summary>
/// The operator as a separate process started through its command line (<c>pool-operator run --kubeconfig ...</c>),
/// so the figures hold for whatever the operator does inside. A watchdog shell kills it when this process goes
/// away, even by SIGKILL: the shell's stdin is a pipe from us, and the kernel closes it.
/// </summary>
internal sealed partial class OperatorProcess : IAsyncDisposable
{
    // $1: file that receives the operator's pid; $2: log file; the rest: the command.
    private const string WatchdogScript =
        "exec 3<&0; pidfile=$1; log=$2; shift 2; exec 2>>\"$log\"; \"$@\" </dev/null >>\"$log\" 2>&1 & child=$!; echo \"$child\" >\"$pidfile\"; " +
        "( read -r _ <&3; kill -KILL \"$child\" 2>/dev/null ) & reader=$!; " +
        "wait \"$child\"; rc=$?; kill \"$reader\" 2>/dev/null; exit $rc";

    private readonly Process watchdog;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private int disposed;

    private OperatorProcess(Process watchdog, int pid, Uri baseUri, string logPath)
    {
        this.watchdog = watchdog;
        Pid = pid;
        BaseUri = baseUri;
        LogPath = logPath;
    }

    /// <summary>The operator's own process id (not the watchdog's).</summary>
    public int Pid { get; }

    /// <summary>Where the operator serves /readyz and /metrics.</summary>
    public Uri BaseUri { get; }

    public string LogPath { get; }

    public bool HasExited => watchdog.HasExited;

    public static async Task<OperatorProcess> StartAsync(string operatorAssembly, string kubeconfig, string workDirectory, CancellationToken cancellationToken)
    {
        var port = FreeLoopbackPort();
        var pidFile = Path.Combine(workDirectory, "operator.pid");
        var logPath = Path.Combine(workDirectory, "operator.log");
        File.Delete(pidFile);
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", WatchdogScript, "pool-operator", pidFile, logPath }
                     .Concat(OperatorCommand.For(operatorAssembly))
                     .Concat(
                 [
                     "run", "--kubeconfig", kubeconfig,
                     $"--urls=http://127.0.0.1:{port}",
                     // One replica: a Lease would add a fixed renewal cost unrelated to the number of migrations.
                     "--Operator:LeaderElection=false",
                 ]))
        {
            start.ArgumentList.Add(argument);
        }

        var watchdog = Process.Start(start) ?? throw new InvalidOperationException("could not start the operator");
        while (!File.Exists(pidFile) || new FileInfo(pidFile).Length == 0)
        {
            if (watchdog.HasExited)
            {
                throw new InvalidOperationException($"the operator did not start; see {logPath}");
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        return new OperatorProcess(watchdog, pid, new Uri($"http://127.0.0.1:{port}/"), logPath);
    }

    /// <summary>Waits until /readyz answers 200.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"the operator exited; see {LogPath}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseUri, "readyz"), deadline.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
            {
            }

            await Task.Delay(50, deadline.Token).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reconciles finished so far, from the reconcile-duration histogram's count on /metrics; null when the operator
    /// does not export it.
    /// </summary>
    public async Task<double?> ReconcileCountAsync(CancellationToken cancellationToken)
    {
        var text = await http.GetStringAsync(new Uri(BaseUri, "metrics"), cancellationToken).ConfigureAwait(false);
        double? total = null;
        foreach (Match match in ReconcileCountLine().Matches(text))
        {
            total = (total ?? 0) + double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }

        return total;
    }

    /// <summary>
    /// The migrations (<c>namespace/name</c>) the operator has finished at least one reconcile of since it started: a
    /// reconcile's last step publishes the migration's <c>pooloperator_migration_weight</c> gauge, so a migration has
    /// one only once a round of it ran to the end.
    /// </summary>
    public async Task<IReadOnlySet<string>> ReconciledMigrationsAsync(CancellationToken cancellationToken)
    {
        var text = await http.GetStringAsync(new Uri(BaseUri, "metrics"), cancellationToken).ConfigureAwait(false);
        return ReconciledMigrationLine().Matches(text).Select(m => m.Groups["migration"].Value).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Resident memory now and at its peak, from /proc/PID/status (VmRSS, VmHWM), in MiB.</summary>
    public (double Rss, double Peak) Memory()
    {
        double rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kibibytes(line) / 1024.0;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kibibytes(line) / 1024.0;
            }
        }

        return (rss, peak);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        try
        {
            using var operatorProcess = Process.GetProcessById(Pid);
            operatorProcess.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
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
        watchdog.Dispose();
        http.Dispose();
    }

    private static double Kibibytes(string line) =>
        double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^pooloperator_reconcile_duration\w*_count(\{[^}]*\})?\s+(?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex ReconcileCountLine();

    [GeneratedRegex(@"^pooloperator_migration_weight\w*\{[^}]*migration=""(?<migration>[^""]+)""", RegexOptions.Multiline)]
    private static partial Regex ReconciledMigrationLine();
}
