using System.Diagnostics;
using PoolOperator.LocalCluster;

namespace PoolOperator.IntegrationTests.Chart;

/// <summary>Runs the real Helm binary (tests/run.sh puts it on PATH via tests/tools/provision-helm.sh).</summary>
internal static class Helm
{
    public static string ChartDirectory => Path.Combine(ControlPlaneBinaries.FindRepositoryRoot()!, "charts", "pool-operator");

    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Locate()) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    private static string Locate()
    {
        var cached = Path.Combine(Environment.GetEnvironmentVariable("POOLOPERATOR_CACHE")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "pooloperator"), "helm", "helm");
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "helm")).FirstOrDefault(File.Exists);
        return onPath ?? (File.Exists(cached) ? cached
            : throw new InvalidOperationException("helm not found on PATH or in the cache: run tests/tools/provision-helm.sh (tests/run.sh does)"));
    }
}
