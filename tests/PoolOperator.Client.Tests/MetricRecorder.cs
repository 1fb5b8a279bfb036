using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PoolOperator.Client.Tests;

/// <summary>Records the measurements of one meter instance, as an OpenTelemetry exporter would see them.</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentQueue<RecordedMeasurement> measurements = new();

    public MetricRecorder(Meter meter)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.Start();
    }

    public IReadOnlyList<RecordedMeasurement> Measurements => [.. measurements];

    /// <summary>Sum of a counter's increments whose tags include all of <paramref name="tags"/>.</summary>
    public double Sum(string instrument, params (string Key, string Value)[] tags) =>
        Measurements.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && v == t.Value)).Sum(m => m.Value);

    /// <summary>The latest value of an observable gauge, observed now.</summary>
    public double Observe(string instrument)
    {
        listener.RecordObservableInstruments();
        return Measurements.Last(m => m.Instrument == instrument).Value;
    }

    public void Dispose() => listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value?.ToString() ?? "";
        }

        measurements.Enqueue(new RecordedMeasurement(instrument.Name, value, copy));
    }
}
