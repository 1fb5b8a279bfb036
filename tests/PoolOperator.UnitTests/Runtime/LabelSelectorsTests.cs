using k8s.Models;
using PoolOperator.Runtime.Informers;
using Xunit;

namespace PoolOperator.UnitTests.Runtime;

public sealed class LabelSelectorsTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "web", ["track"] = "v1", ["tier"] = "front" };

    [Theory]
    [InlineData("In", new[] { "v1", "v2" }, "track", true)]
    [InlineData("In", new[] { "v2" }, "track", false)]
    [InlineData("In", new[] { "v1" }, "missing", false)]
    [InlineData("NotIn", new[] { "v2" }, "track", true)]
    [InlineData("NotIn", new[] { "v1" }, "track", false)]
    [InlineData("NotIn", new[] { "v1" }, "missing", true)]
    [InlineData("Exists", new string[0], "tier", true)]
    [InlineData("Exists", new string[0], "missing", false)]
    [InlineData("DoesNotExist", new string[0], "missing", true)]
    [InlineData("DoesNotExist", new string[0], "tier", false)]
    [InlineData("Unknown", new string[0], "tier", false)]
    public void EachExpressionOperatorMatchesAsTheApiserverDoes(string op, string[] values, string key, bool expected)
    {
        var selector = new V1LabelSelector { MatchExpressions = [Requirement(key, op, values)] };

        Assert.Equal(expected, LabelSelectors.Matches(selector, Labels));
    }

    [Fact]
    public void MatchLabelsAndExpressionsMustAllHold()
    {
        var selector = new V1LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["app"] = "web" },
            MatchExpressions = [Requirement("track", "In", ["v1", "v2"]), Requirement("canary", "DoesNotExist")],
        };

        Assert.True(LabelSelectors.Matches(selector, Labels));
        Assert.False(LabelSelectors.Matches(selector, new Dictionary<string, string>(Labels) { ["canary"] = "yes" }));
        Assert.False(LabelSelectors.Matches(selector, new Dictionary<string, string>(Labels) { ["app"] = "db" }));
        Assert.False(LabelSelectors.Matches(selector, null));
    }

    [Fact]
    public void ANullSelectorMatchesNothingAndAnEmptyOneEverything()
    {
        Assert.False(LabelSelectors.Matches(null, Labels));
        Assert.True(LabelSelectors.Matches(new V1LabelSelector(), Labels));
        Assert.True(LabelSelectors.Matches(new V1LabelSelector(), null));
    }

    [Fact]
    public void ToQueryRendersTheApiserversLabelSelectorSyntax()
    {
        var selector = new V1LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["track"] = "v1", ["app"] = "web" },
            MatchExpressions =
            [
                Requirement("tier", "In", ["front", "edge"]),
                Requirement("zone", "NotIn", ["b"]),
                Requirement("owner", "Exists"),
                Requirement("canary", "DoesNotExist"),
            ],
        };

        Assert.Equal("app=web,track=v1,tier in (front,edge),zone notin (b),owner,!canary", LabelSelectors.ToQuery(selector));
        Assert.Equal(string.Empty, LabelSelectors.ToQuery(new V1LabelSelector()));
        Assert.Throws<ArgumentException>(() => LabelSelectors.ToQuery(new V1LabelSelector { MatchExpressions = [Requirement("k", "Gt", ["1"])] }));
    }

    private static V1LabelSelectorRequirement Requirement(string key, string op, string[]? values = null) =>
        new() { Key = key, OperatorProperty = op, Values = values };
}
