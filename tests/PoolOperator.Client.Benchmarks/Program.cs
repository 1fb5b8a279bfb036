using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace PoolOperator.Client.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/PoolOperator.Client.Benchmarks</c> runs every benchmark;
/// BenchmarkDotNet's own arguments follow <c>--</c>, e.g. <c>-- --job short --filter *Decision*</c>.
/// </summary>
internal static class Program
{
    public static void Main(string[] args)
    {
        // Building the benchmark host on a busy two-core machine can take longer than the default two minutes.
        var config = ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10));
        // Without a filter BenchmarkDotNet asks on the console which benchmark to run; a command must not wait for that.
        var arguments = args.Contains("--filter", StringComparer.Ordinal) ? args : [.. args, "--filter", "*"];
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(arguments, config);
    }
}
