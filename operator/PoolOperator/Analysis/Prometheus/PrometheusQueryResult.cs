namespace PoolOperator.Analysis.Prometheus;

/// <summary>The number an instant query returned (may be NaN or infinite), or why there is none.</summary>
internal sealed record PrometheusQueryResult(double? Value, string? Problem)
{
    public static PrometheusQueryResult Number(double value) => new(value, null);

    public static PrometheusQueryResult NoNumber(string problem) => new(null, problem);
}
