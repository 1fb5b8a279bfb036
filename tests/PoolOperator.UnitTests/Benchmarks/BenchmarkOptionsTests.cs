using PoolOperator.Benchmarks;
using Xunit;

namespace PoolOperator.UnitTests.Benchmarks;

public sealed class BenchmarkOptionsTests
{
    [Fact]
    public void Several_scenarios_run_together_and_an_unknown_one_is_refused()
    {
        var (options, _) = BenchmarkOptions.Parse(["idle,restart", "--migrations", "10"]);
        Assert.NotNull(options);
        Assert.True(options.Runs("idle") && options.Runs("restart") && !options.Runs("transition"));

        var (refused, error) = BenchmarkOptions.Parse(["idle,nap"]);
        Assert.Null(refused);
        Assert.Contains("nap", error, StringComparison.Ordinal);
    }
}
