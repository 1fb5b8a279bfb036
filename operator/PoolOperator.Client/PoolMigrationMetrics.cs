using System.Diagnostics.Metrics;

namespace PoolOperator.Client;

/// <summary>
/// The SDK's OpenTelemetry instruments under the meter <c>PoolOperator.Client</c>. Through the OpenTelemetry
/// Prometheus exporter dots become underscores and counters gain <c>_total</c>, e.g.
/// <c>poolmigration_shadow_comparisons_total</c>. Every instrument carries the <c>migration</c> label
/// (<c>namespace/name</c> from the flags document; empty until one is read).
/// </summary>
internal sealed class PoolMigrationMetrics : IDisposable
{
    public const string MeterName = "PoolOperator.Client";

    private readonly Meter meter;
    private readonly bool ownsMeter;
    private readonly Counter<long> selections;
    private readonly Counter<long> comparisons;
    private readonly Counter<long> differences;
    private readonly Counter<long> drops;
    private readonly Histogram<double> shadowDuration;
    private readonly Counter<long> breakerTransitions;
    private readonly Counter<long> flagReloads;
    private readonly Counter<long> routerCalls;
    private Func<RolloutFlags> flags = () => RolloutFlags.None;
    private Func<bool> flagsValid = () => false;
    private Func<BreakerState> breakerState = () => BreakerState.Closed;

    public PoolMigrationMetrics(IMeterFactory? meterFactory)
    {
        ownsMeter = meterFactory is null;
        meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        selections = meter.CreateCounter<long>("poolmigration.selections", description: "Calls routed, by the pool that answered and the rule that chose it");
        comparisons = meter.CreateCounter<long>("poolmigration.shadow.comparisons", description: "Shadow comparisons, by outcome (match, mismatch) and the most serious difference category");
        differences = meter.CreateCounter<long>("poolmigration.shadow.differences", description: "Differences found by shadow comparisons, by category");
        drops = meter.CreateCounter<long>("poolmigration.shadow.drops", description: "Shadow calls dropped because the shadow queue was full");
        shadowDuration = meter.CreateHistogram("poolmigration.shadow.duration", unit: "s", description: "Time V2 took to answer a shadow call",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        breakerTransitions = meter.CreateCounter<long>("poolmigration.breaker.transitions", description: "Circuit breaker state changes, by the state entered");
        flagReloads = meter.CreateCounter<long>("poolmigration.flags.reloads", description: "Reads of the flags document, by result (applied, unchanged, missing, malformed, error)");
        routerCalls = meter.CreateCounter<long>("poolmigration.router.calls", description: "Calls through a compatibility router, by operation and the pool that answered");
        meter.CreateObservableGauge("poolmigration.breaker.state", () => new Measurement<int>((int)breakerState(), Migration()),
            description: "Circuit breaker on live V2 calls: 0 closed, 1 open, 2 half-open, 3 isolated");
        meter.CreateObservableGauge("poolmigration.flags.v2_percent", () => new Measurement<int>(flags().EffectiveV2Percent, Migration()),
            description: "Share of sessions this process sends to V2 (0 during a rollback)");
        meter.CreateObservableGauge("poolmigration.flags.shadow_percent", () => new Measurement<int>(flags().EffectiveShadowPercent, Migration()),
            description: "Share of V1 sessions this process shadows to V2");
        meter.CreateObservableGauge("poolmigration.flags.valid", () => new Measurement<int>(flagsValid() ? 1 : 0, Migration()),
            description: "1 when the last read of the flags document gave a valid document, else 0");
    }

    public Meter Meter => meter;

    public void Observe(Func<RolloutFlags> currentFlags, Func<bool> lastReadValid, Func<BreakerState> currentBreakerState)
    {
        flags = currentFlags;
        flagsValid = lastReadValid;
        breakerState = currentBreakerState;
    }

    public void Selected(string migration, Pool pool, DecisionReason reason)
    {
        if (selections.Enabled)
        {
            selections.Add(1, new("migration", migration), new("pool", pool.ToWireName()), new("reason", reason.ToLabel()));
        }
    }

    public void Compared(string migration, ComparisonResult result, TimeSpan v2Duration)
    {
        shadowDuration.Record(v2Duration.TotalSeconds, new KeyValuePair<string, object?>("migration", migration));
        var category = result.Category is { } kind ? kind.ToLabel() : DifferenceKindNames.None;
        comparisons.Add(1, new("migration", migration), new("outcome", result.IsMatch ? "match" : "mismatch"), new("category", category));
        foreach (var difference in result.Differences)
        {
            differences.Add(1, new("migration", migration), new("category", difference.Kind.ToLabel()));
        }
    }

    public void Dropped(string migration) =>
        drops.Add(1, new("migration", migration), new("reason", "queue_full"));

    public void BreakerChanged(string migration, BreakerState state) =>
        breakerTransitions.Add(1, new("migration", migration), new("state", state.ToLabel()));

    public void FlagsRead(string migration, string result) =>
        flagReloads.Add(1, new("migration", migration), new("result", result));

    public void RouterCalled(string migration, string operation, Pool pool) =>
        routerCalls.Add(1, new("migration", migration), new("operation", operation), new("pool", pool.ToWireName()));

    public void Dispose()
    {
        if (ownsMeter)
        {
            meter.Dispose();
        }
    }

    private KeyValuePair<string, object?> Migration() => new("migration", flags().Migration);
}
