using System.Text.Json.Serialization;

namespace PoolOperator.Api.V1Alpha1;

/// <summary>One health check; exactly one of <see cref="Prometheus"/>, <see cref="Webhook"/> or <see cref="ShadowComparison"/> is set.</summary>
public sealed class AnalysisCheck
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("prometheus")]
    public PrometheusCheck? Prometheus { get; set; }

    [JsonPropertyName("webhook")]
    public WebhookCheck? Webhook { get; set; }

    /// <summary>The built-in check that V2's shadow answers agree with V1's.</summary>
    [JsonPropertyName("shadowComparison")]
    public ShadowComparisonCheck? ShadowComparison { get; set; }

    /// <summary>Pass when the value is at least this.</summary>
    [JsonPropertyName("min")]
    public double? Min { get; set; }

    /// <summary>Pass when the value is at most this.</summary>
    [JsonPropertyName("max")]
    public double? Max { get; set; }

    /// <summary>Comparative: pass when value / baseline is at most this.</summary>
    [JsonPropertyName("maxRatio")]
    public double? MaxRatio { get; set; }

    /// <summary>Comparative: pass when value - baseline is at most this.</summary>
    [JsonPropertyName("maxDelta")]
    public double? MaxDelta { get; set; }
}
