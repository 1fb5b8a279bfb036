using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Telemetry;

/// <summary>
/// The operator's OpenTelemetry instruments, under the meter <c>PoolOperator</c>. Series labelled with a migration
/// live only while the migration does: they are observed from <see cref="Observe"/> and dropped by <see cref="Forget"/>.
/// Counters carry no migration label, so nothing of a deleted migration stays behind.
/// </summary>
internal sealed class OperatorMetrics : IDisposable
{
    public const string MeterName = "PoolOperator";

    private const string PhaseTransitionsName = "pooloperator.migration.phase_transitions";
    private const string StageDurationName = "pooloperator.migration.stage_duration";
    private const string MeasurementsName = "pooloperator.analysis.measurements";
    private const string ReconcileDurationName = "pooloperator.reconcile.duration";
    private const string MigrationsName = "pooloperator.migrations";

    /// <summary>
    /// Instruments whose labels come from a fixed vocabulary (phases, stage outcomes, verdicts, or none). The others are
    /// labelled with what users create: migrations, stage names, rollback triggers.
    /// </summary>
    public static IReadOnlySet<string> FixedVocabularyInstruments { get; } =
        new HashSet<string>([PhaseTransitionsName, StageDurationName, MeasurementsName, ReconcileDurationName, MigrationsName], StringComparer.Ordinal);

    private readonly Meter meter;
    private readonly Counter<long> phaseTransitions;
    private readonly Counter<long> stageTransitions;
    private readonly Histogram<double> stageSeconds;
    private readonly Counter<long> rollbacks;
    private readonly Counter<long> measurements;
    private readonly Histogram<double> reconcileSeconds;
    private readonly ConcurrentDictionary<string, MigrationGauges> migrations = new();

    public OperatorMetrics(IMeterFactory meterFactory)
    {
        meter = meterFactory.Create(MeterName);
        phaseTransitions = meter.CreateCounter<long>(PhaseTransitionsName, "{transition}", "Phase transitions, by the phase entered");
        stageTransitions = meter.CreateCounter<long>("pooloperator.migration.stage_transitions", "{transition}", "Stages started, by stage name");
        stageSeconds = meter.CreateHistogram(
            StageDurationName,
            "s",
            "How long a stage ran, by how it ended (passed, rolled_back, restarted)",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400] });
        rollbacks = meter.CreateCounter<long>("pooloperator.migration.rollbacks", "{rollback}", "Rollbacks started, by trigger");
        measurements = meter.CreateCounter<long>(MeasurementsName, "{measurement}", "Check measurements, by verdict");
        reconcileSeconds = meter.CreateHistogram(
            ReconcileDurationName,
            "s",
            "Time one reconcile took",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        meter.CreateObservableGauge(MigrationsName, CountByPhase, "{migration}", "Migrations the operator knows, by phase");
        meter.CreateObservableGauge(
            "pooloperator.migration.weight",
            () => migrations.Select(m => new Measurement<int>(m.Value.Weight, new KeyValuePair<string, object?>("migration", m.Key))),
            unit: "%",
            description: "Share of traffic on V2");
        meter.CreateObservableGauge(
            "pooloperator.migration.ready_replicas",
            () => migrations.SelectMany(m => new[]
            {
                new Measurement<int>(m.Value.V1Ready, new("migration", m.Key), new("pool", "v1")),
                new Measurement<int>(m.Value.V2Ready, new("migration", m.Key), new("pool", "v2")),
            }),
            unit: "{replica}",
            description: "Ready replicas per pool");
    }

    /// <summary>Counts what a status write made true: a phase entered, a stage started or ended, a rollback begun.</summary>
    public void StatusWritten(PoolMigrationStatus? before, PoolMigrationStatus after, DateTimeOffset now)
    {
        if (before?.Phase != after.Phase)
        {
            phaseTransitions.Add(1, new KeyValuePair<string, object?>("phase", after.Phase ?? Phases.Pending));
        }

        var stageChanged = after.StageName is not null && (before?.StageName != after.StageName || before?.Run != after.Run || before?.StageStartedAt != after.StageStartedAt);
        if (stageChanged)
        {
            stageTransitions.Add(1, new KeyValuePair<string, object?>("stage", after.StageName));
        }

        if (before?.StageStartedAt is { } started && before.Phase is { } phase && Phases.Active.Contains(phase) && (stageChanged || !IsActive(after.Phase)))
        {
            var outcome = after.Phase == Phases.RollingBack || after.Phase == Phases.RolledBack ? "rolled_back"
                : before.Run != after.Run ? "restarted"
                : "passed";
            stageSeconds.Record(Math.Max(0, (now - new DateTimeOffset(started, TimeSpan.Zero)).TotalSeconds), new KeyValuePair<string, object?>("outcome", outcome));
        }

        if (after.Rollback is { } rollback && rollback.At != before?.Rollback?.At)
        {
            rollbacks.Add(1, new KeyValuePair<string, object?>("trigger", rollback.Trigger));
        }
    }

    public void Measured(IReadOnlyList<Measurement> results)
    {
        foreach (var result in results)
        {
            measurements.Add(1, new KeyValuePair<string, object?>("verdict", result.Verdict.ToString()));
        }
    }

    public void Observe(PoolMigration migration, TimeSpan reconcileTime)
    {
        reconcileSeconds.Record(reconcileTime.TotalSeconds);
        var status = migration.Status;
        migrations[Key(migration.Metadata.NamespaceProperty, migration.Metadata.Name)] =
            new MigrationGauges(status?.Phase ?? Phases.Pending, status?.Weight ?? 0, status?.V1?.ReadyReplicas ?? 0, status?.V2?.ReadyReplicas ?? 0);
    }

    /// <summary>Drops the series of a migration that no longer exists.</summary>
    public void Forget(string @namespace, string name) => migrations.TryRemove(Key(@namespace, name), out _);

    public void Dispose() => meter.Dispose();

    private static bool IsActive(string? phase) => phase is not null && Phases.Active.Contains(phase);

    private static string Key(string @namespace, string name) => $"{@namespace}/{name}";

    private IEnumerable<Measurement<int>> CountByPhase() =>
        migrations.Values.GroupBy(m => m.Phase).Select(g => new Measurement<int>(g.Count(), new KeyValuePair<string, object?>("phase", g.Key)));

    private readonly record struct MigrationGauges(string Phase, int Weight, int V1Ready, int V2Ready);
}
