using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace PoolOperator.LocalCluster;

/// <summary>
/// A directory holding <c>etcd</c>, <c>kube-apiserver</c> and <c>kube-controller-manager</c>, following the
/// envtest <c>KUBEBUILDER_ASSETS</c> convention.
/// </summary>
public sealed class ControlPlaneBinaries
{
    /// <summary>Name of the cached build inside the cache root.</summary>
    public const string CacheFolderName = "control-plane-1.20.2";

    private ControlPlaneBinaries(string directory) => Directory = directory;

    public string Directory { get; }

    public string Etcd => Path.Combine(Directory, "etcd");

    public string KubeApiServer => Path.Combine(Directory, "kube-apiserver");

    public string KubeControllerManager => Path.Combine(Directory, "kube-controller-manager");

    /// <summary>
    /// The per-machine cache: <c>$POOLOPERATOR_CACHE/control-plane-1.20.2</c>, by default under
    /// <c>~/.cache/pooloperator</c>.
    /// </summary>
    public static string CacheDirectory
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("POOLOPERATOR_CACHE");
            if (string.IsNullOrEmpty(root))
            {
                root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "pooloperator");
            }

            return Path.Combine(root, CacheFolderName);
        }
    }

    /// <summary>Uses the binaries in <paramref name="directory"/>, which must hold all three.</summary>
    public static ControlPlaneBinaries FromDirectory(string directory) =>
        HasAll(directory)
            ? new ControlPlaneBinaries(Path.GetFullPath(directory))
            : throw new DirectoryNotFoundException(
                $"{directory} does not hold etcd, kube-apiserver and kube-controller-manager");

    /// <summary>
    /// Finds binaries that are already on this machine: <c>$KUBEBUILDER_ASSETS</c> when it holds all three,
    /// else the per-machine cache. Null when neither has them.
    /// </summary>
    public static ControlPlaneBinaries? TryFindExisting()
    {
        var assets = Environment.GetEnvironmentVariable("KUBEBUILDER_ASSETS");
        if (!string.IsNullOrEmpty(assets) && HasAll(assets))
        {
            return new ControlPlaneBinaries(Path.GetFullPath(assets));
        }

        var cache = CacheDirectory;
        return HasAll(cache) ? new ControlPlaneBinaries(cache) : null;
    }

    /// <summary>
    /// Finds the binaries, or builds them once for this machine with <c>tests/control-plane/provision.sh</c>
    /// (several minutes; its progress goes to <paramref name="logger"/>, or to standard error without one).
    /// </summary>
    public static async Task<ControlPlaneBinaries> LocateAsync(ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        if (TryFindExisting() is { } existing)
        {
            return existing;
        }

        var root = FindRepositoryRoot()
            ?? throw new InvalidOperationException(
                "No Kubernetes control-plane binaries found: set KUBEBUILDER_ASSETS to a directory holding etcd, " +
                $"kube-apiserver and kube-controller-manager, or put them in {CacheDirectory} " +
                "(tests/control-plane/provision.sh in the PoolOperator repository builds them).");
        var script = Path.Combine(root, "tests", "control-plane", "provision.sh");
        var directory = await RunProvisionAsync(script, logger, cancellationToken).ConfigureAwait(false);
        return FromDirectory(directory);
    }

    /// <summary>
    /// The folder holding <c>PoolOperator.sln</c>, searched upwards from <paramref name="startDirectory"/>
    /// (by default from the current directory, then from the application's base directory).
    /// </summary>
    public static string? FindRepositoryRoot(string? startDirectory = null)
    {
        var starts = startDirectory is null
            ? new[] { System.IO.Directory.GetCurrentDirectory(), AppContext.BaseDirectory }
            : new[] { startDirectory };
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PoolOperator.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    private static bool HasAll(string directory) =>
        new[] { "etcd", "kube-apiserver", "kube-controller-manager" }
            .All(name => File.Exists(Path.Combine(directory, name)));

    private static async Task<string> RunProvisionAsync(string script, ILogger? logger, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("/bin/bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(script);
        using var process = new Process { StartInfo = startInfo };
        var lastLine = "";
        var lastLineGate = new Lock();
        process.OutputDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                lock (lastLineGate)
                {
                    lastLine = e.Data.Trim();
                }
            }
        };
        // The build takes minutes: stream its progress so nobody thinks the tests hang.
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            if (logger is null)
            {
                Console.Error.WriteLine(e.Data);
            }
            else
            {
                logger.LogInformation("{ProvisionOutput}", e.Data);
            }
        };

        if (logger is null)
        {
            Console.Error.WriteLine($"Building the Kubernetes control plane once for this machine with {script}");
        }
        else
        {
            logger.LogInformation("Building the Kubernetes control plane once for this machine with {Script}", script);
        }

        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed with exit code {process.ExitCode}; its output above says why");
        }

        lock (lastLineGate)
        {
            return lastLine;
        }
    }
}
