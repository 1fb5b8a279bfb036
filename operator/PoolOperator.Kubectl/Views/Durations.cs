using System.Globalization;

namespace PoolOperator.Kubectl.Views;

/// <summary>Durations the way kubectl prints ages: 42s, 5m03s, 1h02m, 3d4h.</summary>
internal static class Durations
{
    public static string Short(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        var c = CultureInfo.InvariantCulture;
        return span.TotalSeconds < 60 ? string.Create(c, $"{(int)span.TotalSeconds}s")
            : span.TotalMinutes < 60 ? string.Create(c, $"{(int)span.TotalMinutes}m{span.Seconds:00}s")
            : span.TotalHours < 24 ? string.Create(c, $"{(int)span.TotalHours}h{span.Minutes:00}m")
            : string.Create(c, $"{(int)span.TotalDays}d{span.Hours}h");
    }

    public static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
