using System.Globalization;
using System.Text.RegularExpressions;

namespace PoolOperator.Core;

/// <summary>
/// Parses Go-style durations (<c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>1.5h</c>) with the units
/// the CRD's pattern allows, so the operator accepts exactly what the schema accepts.
/// </summary>
public static partial class DurationParser
{
    public static bool TryParseDuration(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text) || !WholePattern().IsMatch(text))
        {
            return false;
        }

        // Summed in double ticks: an absurd value ("99999999999h") must fail, not throw.
        double ticks = 0;
        foreach (Match part in PartPattern().Matches(text))
        {
            var number = double.Parse(part.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            ticks += number * part.Groups[2].Value switch
            {
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
        }

        if (!double.IsFinite(ticks) || ticks >= TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(ticks));
        return true;
    }

    [GeneratedRegex(@"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+\z", RegexOptions.CultureInvariant)]
    private static partial Regex WholePattern();

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)", RegexOptions.CultureInvariant)]
    private static partial Regex PartPattern();
}
