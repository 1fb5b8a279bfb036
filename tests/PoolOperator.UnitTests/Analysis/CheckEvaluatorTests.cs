using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using Xunit;

namespace PoolOperator.UnitTests.Analysis;

public sealed class CheckEvaluatorTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<double?, double?, double?, double?, double, double?, Verdict> Table => new()
    {
        // min, max, maxRatio, maxDelta, value, baseline, expected
        { null, 0.01, null, null, 0.005, null, Verdict.Pass },
        { null, 0.01, null, null, 0.01, null, Verdict.Pass },        // the bound itself passes
        { null, 0.01, null, null, 0.0101, null, Verdict.Fail },
        { 0.99, null, null, null, 0.995, null, Verdict.Pass },
        { 0.99, null, null, null, 0.99, null, Verdict.Pass },
        { 0.99, null, null, null, 0.98, null, Verdict.Fail },
        { 1.0, 5.0, null, null, 3.0, null, Verdict.Pass },          // both bounds
        { 1.0, 5.0, null, null, 0.5, null, Verdict.Fail },
        { 1.0, 5.0, null, null, 5.5, null, Verdict.Fail },
        { null, null, 1.2, null, 0.11, 0.1, Verdict.Pass },         // ratio 1.1
        { null, null, 1.2, null, 0.12, 0.1, Verdict.Pass },         // ratio exactly 1.2
        { null, null, 1.2, null, 0.2, 0.1, Verdict.Fail },          // ratio 2
        { null, null, 1.2, null, 0.0, 0.0, Verdict.Pass },          // 0 / 0: nothing got worse
        { null, null, 1.2, null, 0.1, 0.0, Verdict.Inconclusive },  // x / 0: undefined
        { null, null, 1.2, null, 0.1, -1.0, Verdict.Inconclusive },
        { null, null, null, 0.05, 0.14, 0.1, Verdict.Pass },        // delta 0.04
        { null, null, null, 0.05, 0.2, 0.1, Verdict.Fail },         // delta 0.1
        { null, null, null, 0.05, 0.1, 0.0, Verdict.Fail },         // maxDelta is defined at baseline 0
        { null, null, 1.2, 0.05, 0.11, 0.1, Verdict.Pass },
        { null, null, 1.2, 0.05, 0.3, 0.1, Verdict.Fail },
        { null, 0.5, 1.2, null, 0.6, 0.0, Verdict.Fail },           // a violated max outranks an undefined ratio
        { null, 0.5, 1.2, null, 0.4, 0.0, Verdict.Inconclusive },
        { null, 0.01, null, null, double.NaN, null, Verdict.Inconclusive },
        { null, 0.01, null, null, double.PositiveInfinity, null, Verdict.Inconclusive },
        { 0.0, null, null, null, double.NegativeInfinity, null, Verdict.Inconclusive },
        { null, null, 1.2, null, 0.1, double.NaN, Verdict.Inconclusive },
        { null, null, null, null, 0.1, null, Verdict.Inconclusive }, // no bound: configuration error
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Verdict_follows_the_bounds(double? min, double? max, double? maxRatio, double? maxDelta, double value, double? baseline, Verdict expected)
    {
        var check = new AnalysisCheck { Name = "c", Min = min, Max = max, MaxRatio = maxRatio, MaxDelta = maxDelta, Prometheus = new PrometheusCheck { Query = "q", BaselineQuery = "b" } };

        var measurement = CheckEvaluator.Evaluate(check, value, baseline, null, At);

        Assert.Equal(expected, measurement.Verdict);
        Assert.Equal("c", measurement.CheckName);
        Assert.Equal(At, measurement.MeasuredAt);
        Assert.False(string.IsNullOrWhiteSpace(measurement.Message));
    }

    [Fact]
    public void Failure_message_names_the_value_and_the_violated_bound()
    {
        var check = new AnalysisCheck { Name = "v2-error-rate", Max = 0.01 };

        var measurement = CheckEvaluator.Evaluate(check, 0.05, null, null, At);

        Assert.Equal("value 0.05 > max 0.01", measurement.Message);
        Assert.Equal(0.05, measurement.Value);
    }

    [Fact]
    public void Ratio_message_shows_value_baseline_and_ratio()
    {
        var check = new AnalysisCheck { Name = "latency", MaxRatio = 1.2, Prometheus = new PrometheusCheck { Query = "q", BaselineQuery = "b" } };

        var measurement = CheckEvaluator.Evaluate(check, 0.4, 0.2, null, At);

        Assert.Equal(Verdict.Fail, measurement.Verdict);
        Assert.Equal("ratio 2 (value 0.4 / baseline 0.2) > maxRatio 1.2", measurement.Message);
        Assert.Equal(0.2, measurement.Baseline);
    }

    [Fact]
    public void Baseline_zero_with_nonzero_value_says_so()
    {
        var check = new AnalysisCheck { Name = "c", MaxRatio = 1.2, Prometheus = new PrometheusCheck { Query = "q", BaselineQuery = "b" } };

        var measurement = CheckEvaluator.Evaluate(check, 0.3, 0, null, At);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.Contains("baseline is 0", measurement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NaN_value_is_inconclusive_and_says_NaN()
    {
        var measurement = CheckEvaluator.Evaluate(new AnalysisCheck { Name = "c", Max = 1 }, double.NaN, null, null, At);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.Equal("value is NaN", measurement.Message);
        Assert.Null(measurement.Value);
    }

    [Fact]
    public void Comparative_bound_without_baseline_is_inconclusive_with_the_providers_reason()
    {
        var check = new AnalysisCheck { Name = "c", MaxRatio = 1.2, Prometheus = new PrometheusCheck { Query = "q" } };

        var measurement = CheckEvaluator.Evaluate(check, 0.3, null, null, At, noBaselineReason: "set the baseline field");

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.Equal("set the baseline field", measurement.Message);
    }

    [Fact]
    public void Comparative_bound_without_baseline_value_is_inconclusive()
    {
        var check = new AnalysisCheck { Name = "c", MaxDelta = 0.1, Prometheus = new PrometheusCheck { Query = "q", BaselineQuery = "b" } };

        var measurement = CheckEvaluator.Evaluate(check, 0.3, null, null, At);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.Equal("no baseline value was measured", measurement.Message);
    }

    [Fact]
    public void Check_without_bounds_is_inconclusive_with_a_configuration_message()
    {
        var measurement = CheckEvaluator.Evaluate(new AnalysisCheck { Name = "c" }, 0.3, null, null, At);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.Contains("no bound", measurement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inconclusive_reason_wins_over_bounds()
    {
        var measurement = CheckEvaluator.Evaluate(new AnalysisCheck { Name = "c", Max = 1 }, null, null, "query returned no data", At);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
        Assert.Equal("query returned no data", measurement.Message);
        Assert.Null(measurement.Value);
    }

    [Fact]
    public void Missing_value_is_inconclusive()
    {
        var measurement = CheckEvaluator.Evaluate(new AnalysisCheck { Name = "c", Max = 1 }, null, null, null, At);

        Assert.Equal(Verdict.Inconclusive, measurement.Verdict);
    }
}
