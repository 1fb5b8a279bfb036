namespace PoolOperator.Analysis;

/// <summary>
/// Where the migration stands when a check is measured; sent to webhooks. <paramref name="ShadowPercent"/> is the share
/// of V1's traffic copied to V2 as published now (0 outside shadowing).
/// </summary>
public sealed record MeasurementContext(string Namespace, string Migration, string Stage, int Weight, string Phase, int ShadowPercent = 0);
