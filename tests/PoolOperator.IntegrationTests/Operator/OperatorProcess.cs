using System.Diagnostics;
using System.Text;
using PoolOperator.Tests.Shared;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// The operator as its own process (the build output the tests reference, or the image's executable that
/// <see cref="OperatorCommand.ExecutableVariable"/> names), so a test can kill it with SIGKILL at any instant, as a
/// node failure or an OOM kill would.
/// </summary>
internal sealed class OperatorProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private OperatorProcess(Process process) => this.process = process;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public bool HasExited => process.HasExited;

    public static OperatorProcess Start(string kubeconfigPath, params string[] settings)
    {
        var command = OperatorCommand.For(OperatorCommand.FromEnvironmentOr(Path.Combine(AppContext.BaseDirectory, "pool-operator.dll")));
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in command.Skip(1)
                     .Concat(["run", "--kubeconfig", kubeconfigPath, "--urls=http://127.0.0.1:0", "--Operator:LeaderElection=false"])
                     .Concat(settings.Select(s => "--" + s)))
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the operator process");
        var instance = new OperatorProcess(process);
        process.OutputDataReceived += (_, e) => instance.Append(e.Data);
        process.ErrorDataReceived += (_, e) => instance.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return instance;
    }

    /// <summary>SIGKILL: no shutdown hooks, no lease release, no in-flight write completed.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
