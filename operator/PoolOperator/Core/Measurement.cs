namespace PoolOperator.Core;

/// <summary>One measurement of one check. <see cref="Value"/> and <see cref="Baseline"/> are null when there was no number.</summary>
public sealed record Measurement(string CheckName, Verdict Verdict, double? Value, double? Baseline, string Message, DateTimeOffset MeasuredAt);
