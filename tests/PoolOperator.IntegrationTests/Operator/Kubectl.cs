using System.Diagnostics;
using PoolOperator.IntegrationTests.Infrastructure;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>The real kubectl binary against the test cluster, the way a person types the documented commands.</summary>
internal sealed class Kubectl(ClusterFixture cluster, string ns)
{
    public const string Binary = "/usr/bin/kubectl";

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Runs <c>kubectl --kubeconfig ... -n NS args</c> and returns its exit code and output.</summary>
    public async Task<KubectlResult> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--kubeconfig", cluster.KubeconfigPath, "-n", ns }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start kubectl");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish within {DefaultTimeout.TotalSeconds:0} s");
        }

        return new KubectlResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>Runs kubectl and throws with its output unless it exits 0.</summary>
    public async Task<string> RunCheckedAsync(params string[] args)
    {
        var result = await RunAsync(args).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl {string.Join(' ', args)} exited {result.ExitCode}: {result.StandardError}{result.StandardOutput}");
        }

        return result.StandardOutput;
    }
}
