using System.Globalization;

namespace PoolOperator.Benchmarks.Report;

/// <summary>How a figure reads in the report and on the console: value, unit, and whether it meets its target.</summary>
internal static class FigureFormat
{
    public static string Value(FigureDefinition figure, double value) =>
        value.ToString("N" + figure.Decimals, CultureInfo.InvariantCulture) + figure.Unit switch
        {
            "" => "",
            "×" => "×",
            var unit => " " + unit,
        };

    /// <summary>The value, then ✓ when it meets its target or ✗ with how far it misses.</summary>
    public static string WithVerdict(FigureDefinition figure, double value, int migrations)
    {
        var text = Value(figure, value);
        if (figure.TargetFor(migrations) is not { } target)
        {
            return text;
        }

        if (target.IsMetBy(value))
        {
            return text + " ✓";
        }

        var excess = target.Excess(value);
        var ratio = value / target.Limit;
        var relative = target.Limit <= 0 ? ""
            : ratio < 1.5 ? $", +{(ratio - 1) * 100:0}%"
            : $", {ratio:0.0}× the target";
        return $"{text} ✗ ({Value(figure, excess)} over{relative})";
    }
}
