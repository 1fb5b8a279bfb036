using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using PoolOperator.Runtime.Telemetry;

namespace PoolOperator.Telemetry;

/// <summary>
/// How many series each metric stream may carry. OpenTelemetry reserves a point for every series a stream may carry as
/// soon as the stream exists: at its default limit of 2,000 that is 141 KiB per stream, about 5 MiB for the operator's
/// 35 streams, most of which never carry more than a dozen series (docs/benchmarks.md "Memory").
/// Streams labelled from a fixed vocabulary get <see cref="FixedVocabularyLimit"/>, which that vocabulary cannot
/// reach; streams labelled with what users create (migrations, stage names, rollback triggers, remote addresses,
/// resilience pipelines) keep OpenTelemetry's default. Past a limit OpenTelemetry adds measurements to one series
/// labelled <c>otel_metric_overflow="true"</c>; none is dropped.
/// </summary>
internal static class MetricSeriesLimits
{
    public const int FixedVocabularyLimit = 200;

    /// <summary>The .NET runtime's own meter: GC generations, CPU modes, exception types.</summary>
    public const string DotNetRuntimeMeterName = "System.Runtime";

    /// <summary>A view for <c>MeterProviderBuilder.AddView</c>; null keeps OpenTelemetry's default for the instrument.</summary>
    public static MetricStreamConfiguration? For(Instrument instrument) =>
        HasFixedVocabulary(instrument) ? new MetricStreamConfiguration { CardinalityLimit = FixedVocabularyLimit } : null;

    private static bool HasFixedVocabulary(Instrument instrument) => instrument.Meter.Name switch
    {
        DotNetRuntimeMeterName => true,
        OperatorMetrics.MeterName => OperatorMetrics.FixedVocabularyInstruments.Contains(instrument.Name),
        RuntimeMetrics.MeterName => RuntimeMetrics.FixedVocabularyInstruments.Contains(instrument.Name),
        _ => false,
    };
}
