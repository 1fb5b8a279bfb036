namespace PoolOperator.Runtime.Health;

/// <summary>The outcome of a health check: whether it passed and a short human-readable reason.</summary>
/// <param name="Healthy">True when the check passed.</param>
/// <param name="Detail">Why, in a few words; shown on the probe endpoint.</param>
public readonly record struct HealthCheckResult(bool Healthy, string Detail);
