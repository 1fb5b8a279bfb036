using PoolOperator.Benchmarks.Measurement;
using PoolOperator.Benchmarks.Report;
using Xunit;

namespace PoolOperator.UnitTests.Benchmarks;

public sealed class FigureFormatTests
{
    [Fact]
    public void A_missed_target_says_by_how_much()
    {
        var rss = Figures.Get(Figures.Rss);

        Assert.Equal("212 MiB ✗ (62 MiB over, +41%)", FigureFormat.WithVerdict(rss, 212, 1000));
        Assert.Equal("212 MiB ✗ (132 MiB over, 2.7× the target)", FigureFormat.WithVerdict(rss, 212, 100));
        Assert.Equal("75 MiB ✓", FigureFormat.WithVerdict(rss, 75, 100));
    }

    [Fact]
    public void A_zero_target_reports_the_excess_without_a_ratio()
    {
        var perReconcile = Figures.Get(Figures.IdleRequestsPerReconcile);

        Assert.Equal("6.00 ✗ (6.00 over)", FigureFormat.WithVerdict(perReconcile, 6, 100));
        Assert.Equal("0.00 ✓", FigureFormat.WithVerdict(perReconcile, 0, 100));
    }

    [Fact]
    public void A_strict_limit_is_missed_at_the_limit()
    {
        var growth = Figures.Get(Figures.RssPodsGrowth);

        Assert.EndsWith("✓", FigureFormat.WithVerdict(growth, 4.9, 100));
        Assert.Contains("✗", FigureFormat.WithVerdict(growth, 5, 100), StringComparison.Ordinal);
    }

    [Fact]
    public void A_ratio_reads_as_times_the_reference()
    {
        var ratio = Figures.Get(Figures.LatencyFloorRatio);

        Assert.Equal("2.5× ✓", FigureFormat.WithVerdict(ratio, 2.5, 100));
        Assert.Equal("4.2× ✗ (1.2× over, +40%)", FigureFormat.WithVerdict(ratio, 4.2, 100));
    }

    [Fact]
    public void Breach_to_revert_is_held_to_interval_times_failure_limit_plus_five_seconds()
    {
        var rolledBack = Figures.Get(Figures.BreachRolledBackMax);

        Assert.Equal("95.0 s ✓", FigureFormat.WithVerdict(rolledBack, 95, 1000));
        Assert.Equal("100.0 s ✗ (5.0 s over, +5%)", FigureFormat.WithVerdict(rolledBack, 100, 1));
    }

    [Theory]
    [InlineData(50, 5)]
    [InlineData(99, 10)]
    [InlineData(10, 1)]
    public void Percentiles_take_the_nearest_rank(double percentile, double expected) =>
        Assert.Equal(expected, Percentiles.Of([3, 1, 2, 4, 5, 6, 7, 8, 9, 10], percentile));
}
