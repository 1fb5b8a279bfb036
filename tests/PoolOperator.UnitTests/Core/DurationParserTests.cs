using PoolOperator.Core;
using Xunit;

namespace PoolOperator.UnitTests.Core;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("0s", 0)]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("0.5s", 500)]
    [InlineData("2h45m30s500ms", 9_930_500)]
    [InlineData("1m1m", 120_000)]
    [InlineData("90s", 90_000)]
    public void Go_style_durations_parse(string text, long milliseconds)
    {
        Assert.True(DurationParser.TryParseDuration(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5 minutes")]
    [InlineData("-5m")]
    [InlineData("+5m")]
    [InlineData("5M")]
    [InlineData("1d")]
    [InlineData("5us")]
    [InlineData(" 5m")]
    [InlineData("5m ")]
    [InlineData("5m\n")]
    [InlineData(".5s")]
    [InlineData("5.s")]
    [InlineData("1e3s")]
    [InlineData("h")]
    [InlineData("99999999999999999999h")]
    public void Anything_else_is_refused_without_throwing(string? text)
    {
        Assert.False(DurationParser.TryParseDuration(text, out var value));
        Assert.Equal(TimeSpan.Zero, value);
    }
}
