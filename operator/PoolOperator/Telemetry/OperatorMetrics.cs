using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Telemetry;

/// <summary>The operator's OpenTelemetry instruments, under the meter <c>PoolOperator</c>.</summary>
internal sealed class OperatorMetrics : IDisposable
{
    public const string MeterName = "PoolOperator";

    private readonly Meter meter;
    private readonly Counter<long> phaseTransitions;
    private readonly Histogram<double> reconcileSeconds;
    private readonly ConcurrentDictionary<string, (int Weight, int V1Ready, int V2Ready)> migrations = new();

    public OperatorMetrics(IMeterFactory meterFactory)
    {
        meter = meterFactory.Create(MeterName);
        phaseTransitions = meter.CreateCounter<long>("pooloperator.migration.phase_transitions", description: "Phase transitions, by the phase entered");
        reconcileSeconds = meter.CreateHistogram<double>("pooloperator.reconcile.duration", unit: "s", description: "Time one reconcile took");
        meter.CreateObservableGauge("pooloperator.migration.weight", () => migrations.Select(m => new Measurement<int>(m.Value.Weight, new KeyValuePair<string, object?>("migration", m.Key))),
            unit: "%", description: "Share of traffic on V2");
        meter.CreateObservableGauge("pooloperator.migration.ready_replicas", () => migrations.SelectMany(m => new[]
        {
            new Measurement<int>(m.Value.V1Ready, new("migration", m.Key), new("pool", "v1")),
            new Measurement<int>(m.Value.V2Ready, new("migration", m.Key), new("pool", "v2")),
        }), description: "Ready replicas per pool");
    }

    public void PhaseChanged(string phase) => phaseTransitions.Add(1, new KeyValuePair<string, object?>("phase", phase));

    public void Observe(PoolMigration migration, TimeSpan reconcileTime)
    {
        reconcileSeconds.Record(reconcileTime.TotalSeconds);
        var status = migration.Status;
        migrations[$"{migration.Metadata.NamespaceProperty}/{migration.Metadata.Name}"] =
            (status?.Weight ?? 0, status?.V1?.ReadyReplicas ?? 0, status?.V2?.ReadyReplicas ?? 0);
    }

    public void Dispose() => meter.Dispose();
}
