namespace PoolOperator.Client;

/// <summary>Running totals of shadow comparisons and a bounded sample of the latest mismatches.</summary>
internal sealed class ShadowStatistics(int sampleSize)
{
    private readonly Lock gate = new();
    private readonly Queue<ShadowComparison> samples = new();
    private readonly Dictionary<string, long> byCategory = new(StringComparer.Ordinal);
    private long comparisons;
    private long matches;
    private long drops;

    public void Record(ShadowComparison comparison)
    {
        lock (gate)
        {
            comparisons++;
            if (comparison.Result.Category is not { } category)
            {
                matches++;
                return;
            }

            var label = category.ToLabel();
            byCategory[label] = byCategory.GetValueOrDefault(label) + 1;
            if (sampleSize == 0)
            {
                return;
            }

            if (samples.Count == sampleSize)
            {
                samples.Dequeue();
            }

            samples.Enqueue(comparison);
        }
    }

    public void Dropped() => Interlocked.Increment(ref drops);

    public ShadowReport Snapshot()
    {
        lock (gate)
        {
            return new ShadowReport
            {
                Comparisons = comparisons,
                Matches = matches,
                Mismatches = comparisons - matches,
                Drops = Interlocked.Read(ref drops),
                MismatchesByCategory = new Dictionary<string, long>(byCategory, StringComparer.Ordinal),
                Samples = [.. samples],
            };
        }
    }
}
