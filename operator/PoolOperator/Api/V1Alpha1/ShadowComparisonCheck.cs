using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

/// <summary>
/// The built-in shadow comparison check: the share of shadow comparisons the client SDK counted as mismatches for this
/// migration (<c>poolmigration_shadow_comparisons_total</c>), read from Prometheus over <see cref="Window"/>.
/// Judged in stages that shadow traffic; see docs/analysis.md.
/// </summary>
public sealed class ShadowComparisonCheck
{
    /// <summary>The Prometheus that scrapes the application; its address defaults to the operator's configured one.</summary>
    [JsonPropertyName("prometheus")]
    public PrometheusEndpoint? Prometheus { get; set; }

    /// <summary>Pass when mismatches / comparisons is at most this (0..1); required by the schema.</summary>
    [JsonPropertyName("maxMismatchRatio")]
    public double MaxMismatchRatio { get; set; }

    /// <summary>Fewer comparisons than this in the window is inconclusive; default 100.</summary>
    [JsonPropertyName("minComparisons")]
    public int? MinComparisons { get; set; }

    /// <summary>The range the comparisons are counted over, e.g. 5m; default 5m.</summary>
    [JsonPropertyName("window")]
    public string? Window { get; set; }
}
