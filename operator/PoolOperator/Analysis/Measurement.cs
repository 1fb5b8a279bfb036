namespace PoolOperator.Analysis;

// One measurement of one check. Value/Baseline are null when there was no number.
public sealed record Measurement(string CheckName, Verdict Verdict, double? Value, double? Baseline, string Message, DateTimeOffset MeasuredAt);
