using System.Globalization;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Analysis;

/// <summary>Judges a measured number against the bounds of a check. Pure: no I/O, no clock.</summary>
internal static class CheckEvaluator
{
    /// <summary>
    /// A violated bound is a failure even when another bound cannot be judged: a definite failure outranks
    /// "could not tell". Without a violated bound, any bound that cannot be judged makes the result inconclusive.
    /// <paramref name="noBaselineReason"/> is the provider's word for a missing <paramref name="baseline"/> (e.g. which
    /// field would configure one); without it the result says that no baseline value was measured.
    /// </summary>
    public static Measurement Evaluate(
        AnalysisCheck check, double? value, double? baseline, string? inconclusiveReason, DateTimeOffset at, string? noBaselineReason = null)
    {
        ArgumentNullException.ThrowIfNull(check);
        // NaN and infinities are kept out of the measurement: they are not numbers a status (JSON) can hold.
        Measurement Result(Verdict verdict, string message) => new(check.Name, verdict, Finite(value), Finite(baseline), message, at);

        if (inconclusiveReason is not null)
        {
            return Result(Verdict.Inconclusive, inconclusiveReason);
        }

        if (check.Min is null && check.Max is null && check.MaxRatio is null && check.MaxDelta is null)
        {
            return Result(Verdict.Inconclusive, "check sets no bound: set min, max, maxRatio or maxDelta");
        }

        if (value is not { } v)
        {
            return Result(Verdict.Inconclusive, "no value was measured");
        }

        if (!double.IsFinite(v))
        {
            return Result(Verdict.Inconclusive, $"value is {Format(v)}");
        }

        var failures = new List<string>();
        var passes = new List<string>();
        var unknowns = new List<string>();

        if (check.Min is { } min)
        {
            (v >= min ? passes : failures).Add($"value {Format(v)} {(v >= min ? ">=" : "<")} min {Format(min)}");
        }

        if (check.Max is { } max)
        {
            (v <= max ? passes : failures).Add($"value {Format(v)} {(v <= max ? "<=" : ">")} max {Format(max)}");
        }

        if (check.MaxRatio is not null || check.MaxDelta is not null)
        {
            JudgeComparison(check, v, baseline, noBaselineReason, passes, failures, unknowns);
        }

        if (failures.Count > 0)
        {
            return Result(Verdict.Fail, string.Join("; ", failures));
        }

        return unknowns.Count > 0
            ? Result(Verdict.Inconclusive, string.Join("; ", unknowns))
            : Result(Verdict.Pass, string.Join("; ", passes));
    }

    private static void JudgeComparison(
        AnalysisCheck check, double v, double? baseline, string? noBaselineReason, List<string> passes, List<string> failures, List<string> unknowns)
    {
        if (baseline is not { } b)
        {
            unknowns.Add(noBaselineReason ?? "no baseline value was measured");
            return;
        }

        if (!double.IsFinite(b))
        {
            unknowns.Add($"baseline is {Format(b)}");
            return;
        }

        if (check.MaxRatio is { } maxRatio)
        {
            if (b == 0)
            {
                if (v == 0)
                {
                    passes.Add("value and baseline are both 0");
                }
                else
                {
                    unknowns.Add("baseline is 0; the ratio is undefined");
                }
            }
            else if (b < 0)
            {
                unknowns.Add($"baseline {Format(b)} is negative; maxRatio needs a positive baseline");
            }
            else
            {
                var ratio = v / b;
                (ratio <= maxRatio ? passes : failures).Add(
                    $"ratio {Format(ratio)} (value {Format(v)} / baseline {Format(b)}) {(ratio <= maxRatio ? "<=" : ">")} maxRatio {Format(maxRatio)}");
            }
        }

        if (check.MaxDelta is { } maxDelta)
        {
            var delta = v - b;
            (delta <= maxDelta ? passes : failures).Add(
                $"delta {Format(delta)} (value {Format(v)} - baseline {Format(b)}) {(delta <= maxDelta ? "<=" : ">")} maxDelta {Format(maxDelta)}");
        }
    }

    private static double? Finite(double? number) => number is { } n && double.IsFinite(n) ? n : null;

    internal static string Format(double number) => number switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => number.ToString("G6", CultureInfo.InvariantCulture),
    };
}
