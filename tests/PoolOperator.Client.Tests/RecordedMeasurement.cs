namespace PoolOperator.Client.Tests;

/// <summary>One measurement seen by <see cref="MetricRecorder"/>.</summary>
internal sealed record RecordedMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, string> Tags);
