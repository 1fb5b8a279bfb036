namespace PoolOperator.Benchmarks.Measurement;

/// <summary>
/// How often a set of migrations had their checks called within one window: the gaps between consecutive calls of
/// the same migration, the migrations never called, and the call rate.
/// </summary>
internal sealed record CallPace(IReadOnlyList<double> GapsSeconds, int Uncalled, int Calls, double CallsPerMinute)
{
    public double? P50 => Percentiles.Of(GapsSeconds, 50);

    public double? P99 => Percentiles.Of(GapsSeconds, 99);

    public double? Max => GapsSeconds.Count > 0 ? GapsSeconds.Max() : null;

    /// <summary>The mean interval the call rate allows for <paramref name="migrations"/> migrations, in seconds.</summary>
    public double? MeanInterval(int migrations) => CallsPerMinute > 0 ? migrations * 60 / CallsPerMinute : null;

    /// <summary>
    /// The pace of the migrations named by <paramref name="keys"/> from the calls recorded per migration, counting only
    /// calls at or after <paramref name="from"/> and before <paramref name="to"/>.
    /// </summary>
    public static CallPace Of(IReadOnlyDictionary<string, IReadOnlyList<DateTimeOffset>> calls, IEnumerable<string> keys, DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            throw new ArgumentException($"the window ends ({to:O}) before it starts ({from:O})", nameof(to));
        }

        var gaps = new List<double>();
        var uncalled = 0;
        var inWindowCount = 0;
        foreach (var key in keys)
        {
            var inWindow = calls.TryGetValue(key, out var all) ? all.Where(c => c >= from && c < to).Order().ToList() : [];
            inWindowCount += inWindow.Count;
            if (inWindow.Count == 0)
            {
                uncalled++;
            }

            gaps.AddRange(inWindow.Zip(inWindow.Skip(1), (a, b) => (b - a).TotalSeconds));
        }

        return new CallPace(gaps, uncalled, inWindowCount, inWindowCount / (to - from).TotalMinutes);
    }
}
