namespace PoolOperator.Analysis;

/// <summary>Where the migration stands when a check is measured; sent to webhooks.</summary>
public sealed record MeasurementContext(string Namespace, string Migration, string Stage, int Weight, string Phase);
