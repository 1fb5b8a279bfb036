using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;

namespace PoolOperator.Client.Benchmarks;

/// <summary>
/// What one routing decision costs on the request path: the session hash alone, a decision with nobody listening
/// to the metrics, and a decision while an OpenTelemetry-style listener collects <c>poolmigration.selections</c>.
/// </summary>
// Min shows what a decision costs when the core is not shared; Mean and Median include whatever else runs.
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class DecisionBenchmarks
{
    private readonly string[] sessionKeys = [.. Enumerable.Range(0, 1024).Select(i => $"f47ac10b-58cc-4372-a567-{i:D12}")];
    private PoolMigrationClient client = null!;
    private PoolMigrationClient observedClient = null!;
    private MeterListener listener = null!;
    private long observed;
    private int next;

    [GlobalSetup]
    public void Setup()
    {
        const string document = """{"migration":"shop/session-pool","generation":3,"v2Percent":25,"shadowPercent":10,"phase":"Progressing","overrides":{"session-42":"v2","session-7":"v1"},"updatedAt":"2026-11-30T10:00:00Z"}""";
        client = NewClient();
        client.ApplyDocument(document);
        observedClient = NewClient();
        observedClient.ApplyDocument(document);

        listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, observedClient.Meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => observed += value);
        listener.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        listener.Dispose();
        client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        observedClient.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "SelectionBucket (XXH64 of a 36-char key)")]
    public int Bucket() => SessionBuckets.SelectionBucket(NextKey());

    [Benchmark(Description = "Decide, metrics not collected")]
    public PoolDecision Decide() => client.Decide(NextKey());

    [Benchmark(Description = "Decide, metrics collected by a listener")]
    public PoolDecision DecideObserved() => observedClient.Decide(NextKey());

    private static PoolMigrationClient NewClient() =>
        new(new PoolMigrationOptions { Source = FlagsSourceKind.None, ForceEnvironmentVariable = "" });

    private string NextKey() => sessionKeys[next++ & 1023];
}
