using System.Text;
using Xunit;

namespace PoolOperator.Client.Tests;

public sealed class RolloutFlagsParserTests
{
    [Fact]
    public void The_operators_document_is_read_field_by_field()
    {
        var json = """{"migration":"shop/session-pool","generation":7,"v2Percent":25,"shadowPercent":10,"phase":"Progressing","overrides":{"session-42":"v2","s-1":"v1"},"updatedAt":"2026-11-30T10:00:00+00:00"}""";

        Assert.True(RolloutFlagsParser.TryParse(Encoding.UTF8.GetBytes(json), out var flags, out var error), error);

        Assert.Equal("shop/session-pool", flags.Migration);
        Assert.Equal(7, flags.Generation);
        Assert.Equal(25, flags.V2Percent);
        Assert.Equal(10, flags.ShadowPercent);
        Assert.Equal("Progressing", flags.Phase);
        Assert.Equal(Pool.V2, flags.Overrides["session-42"]);
        Assert.Equal(Pool.V1, flags.Overrides["s-1"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero), flags.UpdatedAt);
        Assert.True(flags.IsDocument);
    }

    [Theory]
    [InlineData("""{"v2Percent":5}""", 5, 0)]
    [InlineData("""{"v2Percent":25.0,"shadowPercent":null,"overrides":null}""", 25, 0)]
    [InlineData("""{"v2Percent":0,"shadowPercent":100,"phase":"Shadowing","newField":{"x":1}}""", 0, 100)]
    [InlineData("""{"v2Percent":100,"overrides":{"a":"V2"}}""", 100, 0)]
    public void Optional_and_unknown_fields_are_tolerated(string json, int v2Percent, int shadowPercent)
    {
        Assert.True(RolloutFlagsParser.TryParse(Encoding.UTF8.GetBytes(json), out var flags, out var error), error);
        Assert.Equal(v2Percent, flags.V2Percent);
        Assert.Equal(shadowPercent, flags.ShadowPercent);
    }

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("{\"v2Percent\":", "not valid JSON")]
    [InlineData("[1]", "not an object")]
    [InlineData("{}", "v2Percent is missing")]
    [InlineData("""{"v2Percent":"25"}""", "v2Percent must be a whole number")]
    [InlineData("""{"v2Percent":101}""", "v2Percent must be a whole number")]
    [InlineData("""{"v2Percent":-1}""", "v2Percent must be a whole number")]
    [InlineData("""{"v2Percent":2.5}""", "v2Percent must be a whole number")]
    [InlineData("""{"v2Percent":5,"shadowPercent":200}""", "shadowPercent must be a whole number")]
    [InlineData("""{"v2Percent":5,"phase":3}""", "phase must be a string")]
    [InlineData("""{"v2Percent":5,"generation":"x"}""", "generation must be an integer")]
    [InlineData("""{"v2Percent":5,"overrides":["a"]}""", "overrides must be an object")]
    [InlineData("""{"v2Percent":5,"overrides":{"s":"v3"}}""", "overrides[\"s\"] must be \"v1\" or \"v2\"")]
    public void A_malformed_document_is_refused_with_the_reason(string json, string reason)
    {
        Assert.False(RolloutFlagsParser.TryParse(Encoding.UTF8.GetBytes(json), out var flags, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Same(RolloutFlags.None, flags);
    }
}
