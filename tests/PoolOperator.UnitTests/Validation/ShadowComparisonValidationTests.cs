using PoolOperator.Api.V1Alpha1;
using PoolOperator.Validation;
using Xunit;
using static PoolOperator.UnitTests.Validation.ValidSpecs;

namespace PoolOperator.UnitTests.Validation;

/// <summary>The operator's own validation of a <c>shadowComparison</c> check: each problem named by its field.</summary>
public sealed class ShadowComparisonValidationTests
{
    private const string Section = "spec.analysis.checks[0].shadowComparison";

    [Fact]
    public void The_documented_check_is_valid() =>
        Assert.Empty(SpecValidator.Validate(WithCheck(Check(new()
        {
            Prometheus = new() { Address = "http://prometheus.monitoring:9090" },
            MaxMismatchRatio = 0.01,
            MinComparisons = 100,
            Window = "5m",
        }))));

    [Fact]
    public void The_ratio_alone_is_a_valid_check() =>
        Assert.Empty(SpecValidator.Validate(WithCheck(Check(new() { MaxMismatchRatio = 0 }))));

    [Theory]
    [InlineData(-0.1, "must be between 0 and 1, got -0.1")]
    [InlineData(1.5, "must be between 0 and 1, got 1.5")]
    [InlineData(double.NaN, "must be between 0 and 1, got NaN")]
    public void A_ratio_outside_0_to_1_is_reported(double ratio, string message) =>
        AssertOnlyError(Check(new() { MaxMismatchRatio = ratio }), $"{Section}.maxMismatchRatio", message);

    [Fact]
    public void Fewer_than_one_required_comparison_is_reported() =>
        AssertOnlyError(Check(new() { MaxMismatchRatio = 0.01, MinComparisons = 0 }), $"{Section}.minComparisons",
            "must be at least 1, got 0; fewer comparisons are inconclusive, never a pass");

    [Theory]
    [InlineData("5 minutes")]
    [InlineData("0s")]
    [InlineData("")]
    public void A_window_that_is_no_positive_duration_is_reported(string window) =>
        AssertOnlyError(Check(new() { MaxMismatchRatio = 0.01, Window = window }), $"{Section}.window",
            $"\"{window}\" is not a duration longer than 0; use a number with a unit ms, s, m or h, e.g. 5m");

    [Fact]
    public void A_prometheus_address_that_is_no_http_url_is_reported() =>
        AssertOnlyError(Check(new() { MaxMismatchRatio = 0.01, Prometheus = new() { Address = "prometheus:9090" } }), $"{Section}.prometheus.address",
            "\"prometheus:9090\" is not an absolute http or https URL");

    [Fact]
    public void A_timeout_out_of_range_is_reported() =>
        AssertOnlyError(Check(new() { MaxMismatchRatio = 0.01, Prometheus = new() { TimeoutSeconds = 301 } }), $"{Section}.prometheus.timeoutSeconds",
            "between 1 and 300");

    [Fact]
    public void A_bearer_token_reference_without_key_is_reported()
    {
        var error = Assert.Single(SpecValidator.Validate(WithCheck(Check(new()
        {
            MaxMismatchRatio = 0.01,
            Prometheus = new() { BearerTokenSecretRef = new() { Name = "prom-token", Key = "" } },
        }))));

        Assert.Equal($"{Section}.prometheus.bearerTokenSecretRef.key", error.Field);
    }

    [Theory]
    [InlineData("min")]
    [InlineData("max")]
    [InlineData("maxRatio")]
    [InlineData("maxDelta")]
    public void Bounds_on_the_check_are_reported_because_it_judges_itself(string bound)
    {
        var check = Check(new() { MaxMismatchRatio = 0.01 });
        _ = bound switch
        {
            "min" => check.Min = 0,
            "max" => check.Max = 0.01,
            "maxRatio" => check.MaxRatio = 1,
            _ => check.MaxDelta = 1,
        };

        AssertOnlyError(check, $"spec.analysis.checks[0].{bound}",
            "a shadowComparison check passes when at most maxMismatchRatio of the shadow comparisons mismatched; bounds apply to prometheus checks only");
    }

    [Fact]
    public void A_check_with_shadowComparison_and_prometheus_is_reported()
    {
        var check = Check(new() { MaxMismatchRatio = 0.01 });
        check.Prometheus = new() { Query = "up" };
        check.Max = 1;

        AssertOnlyError(check, "spec.analysis.checks[0]", "sets both prometheus and shadowComparison; a check has exactly one provider");
    }

    private static AnalysisCheck Check(ShadowComparisonCheck section) => new() { Name = "shadow-agreement", ShadowComparison = section };

    private static void AssertOnlyError(AnalysisCheck check, string field, string messageFragment)
    {
        var error = Assert.Single(SpecValidator.Validate(WithCheck(check)));
        Assert.Equal(field, error.Field);
        Assert.Contains(messageFragment, error.Message, StringComparison.Ordinal);
    }

}
