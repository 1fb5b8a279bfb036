using System.Diagnostics;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.Tests.Shared;

namespace PoolOperator.IntegrationTests.Plugin;

/// <summary>
/// The built <c>kubectl-poolmigration</c>, run as its own process against the test cluster the way a person runs it:
/// <c>--kubeconfig</c> and <c>-n</c> as with kubectl.
/// </summary>
internal sealed class PluginBinary(ClusterFixture cluster, string ns)
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The plugin built beside these tests, in the same configuration (the test project references it for the build order).</summary>
    public static string Dll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            var path = RepositoryFiles.PathOf("operator", "PoolOperator.Kubectl", "bin", configuration, "net10.0", "kubectl-poolmigration.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"the plugin is not built at {path}: dotnet build PoolOperator.sln", path);
        }
    }

    /// <summary>The dotnet host running these tests, so a shell (tmux) finds the same one whatever its PATH.</summary>
    private static string Dotnet =>
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";

    /// <summary>The command line a shell runs: dotnet, the plugin, the cluster options, then <paramref name="args"/>.</summary>
    public IReadOnlyList<string> CommandLine(params string[] args) =>
        [Dotnet, Dll, "--kubeconfig", cluster.KubeconfigPath, "-n", ns, .. args];

    public async Task<PluginResult> RunAsync(params string[] args)
    {
        var line = CommandLine(args);
        var start = new ProcessStartInfo(line[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in line.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the plugin");
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
            throw new TimeoutException($"kubectl-poolmigration {string.Join(' ', args)} did not finish within {DefaultTimeout.TotalSeconds:0} s");
        }

        return new PluginResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
