using k8s.Models;
using PoolOperator.Validation;
using Xunit;
using static PoolOperator.UnitTests.Validation.ValidSpecs;

namespace PoolOperator.UnitTests.Validation;

public sealed class SpecValidatorClusterTests
{
    [Fact]
    public void Two_deployments_with_track_selectors_are_valid() =>
        Assert.Empty(SpecValidator.ValidateAgainstCluster(Full(), Track("session-pool-v1", "v1"), Track("session-pool-v2", "v2")));

    [Fact]
    public void A_missing_v1_deployment_names_it()
    {
        var error = Assert.Single(SpecValidator.ValidateAgainstCluster(Full(), null, Track("session-pool-v2", "v2")));

        Assert.Equal("spec.v1.deployment", error.Field);
        Assert.Contains("\"session-pool-v1\" does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_v2_deployment_names_it()
    {
        var error = Assert.Single(SpecValidator.ValidateAgainstCluster(Full(), Track("session-pool-v1", "v1"), null));

        Assert.Equal("spec.v2.deployment", error.Field);
        Assert.Contains("\"session-pool-v2\" does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_missing_are_both_reported() =>
        Assert.Equal(["spec.v1.deployment", "spec.v2.deployment"], SpecValidator.ValidateAgainstCluster(Full(), null, null).Select(error => error.Field));

    [Fact]
    public void A_v1_selector_matching_v2_pods_names_both_deployments()
    {
        var v1 = Deployment("session-pool-v1", Selector(("app", "session-pool")), ("app", "session-pool"), ("track", "v1"));
        var v2 = Track("session-pool-v2", "v2");

        var error = Assert.Single(SpecValidator.ValidateAgainstCluster(Full(), v1, v2));

        Assert.Equal("spec.v2.deployment", error.Field);
        Assert.Contains("selector of V1 Deployment \"session-pool-v1\" (app=session-pool)", error.Message, StringComparison.Ordinal);
        Assert.Contains("pod labels of V2 Deployment \"session-pool-v2\" (app=session-pool,track=v2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_v2_selector_matching_v1_pods_names_both_deployments()
    {
        var v1 = Track("session-pool-v1", "v1");
        var v2 = Deployment("session-pool-v2", Selector(("app", "session-pool")), ("app", "session-pool"), ("track", "v2"));

        var error = Assert.Single(SpecValidator.ValidateAgainstCluster(Full(), v1, v2));

        Assert.Equal("spec.v2.deployment", error.Field);
        Assert.Contains("selector of V2 Deployment \"session-pool-v2\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("V1 Deployment \"session-pool-v1\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Identical_selectors_overlap_both_ways()
    {
        var v1 = Deployment("session-pool-v1", Selector(("app", "session-pool")), ("app", "session-pool"));
        var v2 = Deployment("session-pool-v2", Selector(("app", "session-pool")), ("app", "session-pool"));

        Assert.Equal(2, SpecValidator.ValidateAgainstCluster(Full(), v1, v2).Count);
    }

    [Theory]
    [InlineData("In", new[] { "v1" }, false)]
    [InlineData("In", new[] { "v1", "v2" }, true)]
    [InlineData("NotIn", new[] { "v2" }, false)]
    [InlineData("NotIn", new[] { "v3" }, true)]
    [InlineData("Exists", new string[0], true)]
    [InlineData("DoesNotExist", new string[0], false)]
    [InlineData("Bogus", new[] { "v2" }, false)]
    public void Match_expressions_are_evaluated_like_the_apiserver(string op, string[] values, bool overlaps)
    {
        var selector = Selector(("app", "session-pool"));
        selector.MatchExpressions = [new V1LabelSelectorRequirement { Key = "track", OperatorProperty = op, Values = values }];
        var v1 = Deployment("session-pool-v1", selector, ("app", "session-pool"), ("track", "v1"));
        var v2 = Track("session-pool-v2", "v2");

        var errors = SpecValidator.ValidateAgainstCluster(Full(), v1, v2);

        Assert.Equal(overlaps, errors.Any(error => error.Message.StartsWith("the selector of V1", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_empty_selector_selects_everything() =>
        Assert.NotEmpty(SpecValidator.ValidateAgainstCluster(Full(), Deployment("session-pool-v1", new V1LabelSelector(), ("track", "v1")), Track("session-pool-v2", "v2")));

    [Fact]
    public void A_deployment_without_selector_or_labels_overlaps_nothing() =>
        Assert.Empty(SpecValidator.ValidateAgainstCluster(Full(), new V1Deployment { Metadata = new() { Name = "session-pool-v1" } }, Track("session-pool-v2", "v2")));

    [Fact]
    public void The_same_deployment_twice_is_left_to_the_spec_check() =>
        Assert.Empty(SpecValidator.ValidateAgainstCluster(Full(), Track("session-pool-v1", "v1"), Track("session-pool-v1", "v1")));

    private static V1Deployment Track(string name, string track) =>
        Deployment(name, Selector(("app", "session-pool"), ("track", track)), ("app", "session-pool"), ("track", track));

    private static V1LabelSelector Selector(params (string Key, string Value)[] labels) =>
        new() { MatchLabels = labels.ToDictionary(label => label.Key, label => label.Value) };

    private static V1Deployment Deployment(string name, V1LabelSelector selector, params (string Key, string Value)[] podLabels) => new()
    {
        Metadata = new() { Name = name },
        Spec = new()
        {
            Selector = selector,
            Template = new()
            {
                Metadata = new() { Labels = podLabels.ToDictionary(label => label.Key, label => label.Value) },
                Spec = new() { Containers = [new() { Name = "app", Image = "app:1" }] },
            },
        },
    };
}
