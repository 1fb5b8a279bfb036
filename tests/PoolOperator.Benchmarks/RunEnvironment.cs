using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace PoolOperator.Benchmarks;

/// <summary>What a run's figures depend on besides the operator: the machine, and which operator build ran.</summary>
internal static class RunEnvironment
{
    public static string BuildConfiguration => Metadata("BuildConfiguration") ?? "unknown";

    /// <summary>The Release build of operator/PoolOperator that the build of this project produced.</summary>
    public static string DefaultOperatorAssembly => Metadata("OperatorAssemblyPath")
        ?? throw new InvalidOperationException("this build does not say where the operator was built");

    public static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            : null;
        var gib = memory is null
            ? null
            : (double.Parse(memory.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024 / 1024).ToString("0", CultureInfo.InvariantCulture) + " GiB";
        return string.Join(", ", new[] { $"{Environment.ProcessorCount} cores", cpu, gib }.Where(s => !string.IsNullOrEmpty(s)));
    }

    /// <summary>The 1-minute load average: on a shared machine it says how much else was running.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    /// <summary>The commit of the repository the operator was built from, marked when the tree had changes.</summary>
    public static string OperatorVersion(string repositoryRoot, string operatorAssembly)
    {
        var commit = Git(repositoryRoot, "rev-parse --short HEAD");
        var dirty = Git(repositoryRoot, "status --porcelain -- operator") is { Length: > 0 } ? " (with uncommitted changes)" : "";
        var branch = Git(repositoryRoot, "rev-parse --abbrev-ref HEAD");
        var built = File.GetLastWriteTimeUtc(operatorAssembly).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        return commit is null ? $"built {built}" : $"{branch} {commit}{dirty}, built {built}";
    }

    private static string? Git(string directory, string arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git", arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static string? Metadata(string key) =>
        typeof(RunEnvironment).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
}
