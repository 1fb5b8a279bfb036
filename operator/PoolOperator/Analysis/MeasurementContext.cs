namespace PoolOperator.Analysis;

public sealed record MeasurementContext(string Namespace, string Migration, string Stage, int Weight, string Phase);
