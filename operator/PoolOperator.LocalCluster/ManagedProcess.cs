using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace PoolOperator.LocalCluster;

/// <summary>
/// A child process whose output goes to a log file (its tail is kept for error messages) and which
/// cannot outlive this process: a watchdog shell kills it as soon as our end of its stdin pipe closes,
/// which the kernel does even when this process is killed with SIGKILL.
/// </summary>
internal sealed class ManagedProcess : IAsyncDisposable
{
    private const int TailLines = 40;

    // fd 3 keeps our stdin pipe; background jobs get /dev/null as stdin, hence the explicit dup.
    private const string WatchdogScript =
        "exec 3<&0; \"$@\" </dev/null & child=$!; " +
        "( read -r _ <&3; kill -KILL \"$child\" 2>/dev/null ) & reader=$!; " +
        "wait \"$child\"; rc=$?; kill \"$reader\" 2>/dev/null; exit $rc";

    private readonly Process process;
    private readonly StreamWriter log;
    private readonly Queue<string> tail = new();
    private readonly Lock gate = new();
    private int disposed;

    private ManagedProcess(string name, Process process, StreamWriter log)
    {
        Name = name;
        this.process = process;
        this.log = log;
    }

    public string Name { get; }

    public bool HasExited => process.HasExited;

    public static ManagedProcess Start(string name, string executable, IEnumerable<string> arguments, string logPath, ILogger logger)
    {
        var startInfo = new ProcessStartInfo("/bin/bash")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(WatchdogScript);
        startInfo.ArgumentList.Add(name);
        startInfo.ArgumentList.Add(executable);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var log = new StreamWriter(logPath, append: true, Encoding.UTF8) { AutoFlush = true };
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var managed = new ManagedProcess(name, process, log);
        process.OutputDataReceived += (_, e) => managed.Append(e.Data);
        process.ErrorDataReceived += (_, e) => managed.Append(e.Data);
        if (!process.Start())
        {
            log.Dispose();
            throw new InvalidOperationException($"could not start {executable}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        ProcessReaper.Register(managed);
        logger.LogDebug("started {Name} (pid {Pid}), log {LogPath}", name, process.Id, logPath);
        return managed;
    }

    /// <summary>The last lines the process wrote, for error messages.</summary>
    public string Tail()
    {
        lock (gate)
        {
            return string.Join(Environment.NewLine, tail);
        }
    }

    public string Describe()
    {
        var state = process.HasExited ? $"exited with code {process.ExitCode}" : "still running";
        return $"{Name} {state}; last output:{Environment.NewLine}{Tail()}";
    }

    /// <summary>Kills the process and its children and waits until they are gone.</summary>
    public async Task StopAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already exited between the check and the kill.
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A process stuck in uninterruptible sleep: nothing more can be done from here.
        }
    }

    /// <summary>Kills without waiting; safe to call from a process-exit handler.</summary>
    public void KillNow()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        ProcessReaper.Unregister(this);
        process.Dispose();
        lock (gate)
        {
            log.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            if (disposed == 1)
            {
                return;
            }

            log.WriteLine(line);
            tail.Enqueue(line);
            while (tail.Count > TailLines)
            {
                tail.Dequeue();
            }
        }
    }
}
