using PoolOperator.Benchmarks.Measurement;
using Xunit;

namespace PoolOperator.UnitTests.Benchmarks;

public sealed class CallPaceTests
{
    private static readonly DateTimeOffset From = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Only_calls_inside_the_window_count_and_a_migration_with_none_is_uncalled()
    {
        var calls = new Dictionary<string, IReadOnlyList<DateTimeOffset>>(StringComparer.Ordinal)
        {
            // The call before the window would add a 40 s gap if it counted.
            ["ns/a"] = [At(-10), At(30), At(60), At(90), At(125)],
            ["ns/b"] = [At(5), At(36), At(66), At(96)],
            ["ns/c"] = [At(-5)],
        };

        var pace = CallPace.Of(calls, ["ns/a", "ns/b", "ns/c", "ns/never"], From, At(120));

        Assert.Equal([30.0, 30.0, 31.0, 30.0, 30.0], pace.GapsSeconds);
        Assert.Equal(2, pace.Uncalled);
        Assert.Equal(7, pace.Calls);
        Assert.Equal(3.5, pace.CallsPerMinute);
        Assert.Equal(31.0, pace.P99);
        Assert.Equal(30.0, pace.P50);
        // Four migrations at 3.5 calls per minute: one call each every 68.6 s on average.
        Assert.Equal(4 * 60 / 3.5, pace.MeanInterval(4));
    }

    [Fact]
    public void A_window_without_calls_has_no_gaps_and_no_mean_interval()
    {
        var pace = CallPace.Of(new Dictionary<string, IReadOnlyList<DateTimeOffset>>(StringComparer.Ordinal), ["ns/a"], From, At(60));

        Assert.Null(pace.P99);
        Assert.Null(pace.Max);
        Assert.Null(pace.MeanInterval(1));
        Assert.Equal(1, pace.Uncalled);
        Assert.Throws<ArgumentException>(() => CallPace.Of(new Dictionary<string, IReadOnlyList<DateTimeOffset>>(StringComparer.Ordinal), ["ns/a"], From, From));
    }

    private static DateTimeOffset At(double seconds) => From.AddSeconds(seconds);
}
