using System.ComponentModel.DataAnnotations;
using PoolOperator.Runtime;

namespace PoolOperator.Analysis;

/// <summary>Operator-wide settings of the analysis providers, bound from the <c>Analysis</c> configuration section.</summary>
internal sealed record AnalysisOptions : IValidatableObject
{
    public const string SectionName = "Analysis";

    /// <summary>Prometheus used by checks that set no <c>prometheus.address</c>; null means such checks are inconclusive.</summary>
    [Url]
    public string? DefaultPrometheusAddress { get; set; }

    /// <summary>Budget of one measurement (all attempts included) when the check sets no <c>timeoutSeconds</c>.</summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of a transient failure (connection error, timeout, 5xx) within the measurement budget.</summary>
    [Range(0, 10)]
    public int RetryCount { get; set; } = 2;

    /// <summary>Base of the jittered exponential backoff between retries.</summary>
    [TimeSpanRange("00:00:00.010", "00:00:30")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Share of failed calls to one address, within <see cref="BreakerSamplingDuration"/>, that opens its circuit.</summary>
    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Calls to one address needed within the sampling window before the breaker may open.</summary>
    [Range(2, 10_000)]
    public int BreakerMinimumThroughput { get; set; } = 4;

    [TimeSpanRange("00:00:00.501", "01:00:00")]
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an open circuit answers "circuit open" before letting one probe call through.</summary>
    [TimeSpanRange("00:00:00.501", "01:00:00")]
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long Secrets and ConfigMaps read for credentials are reused before being read again.</summary>
    [TimeSpanRange("00:00:00", "01:00:00")]
    public TimeSpan CredentialCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Grace the runner gives a provider beyond the check's own budget before giving up on it.</summary>
    [TimeSpanRange("00:00:00.100", "00:01:00")]
    public TimeSpan RunnerMargin { get; set; } = TimeSpan.FromSeconds(2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DefaultPrometheusAddress is not null
            && (!Uri.TryCreate(DefaultPrometheusAddress, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult("must be an absolute http or https URL", [nameof(DefaultPrometheusAddress)]);
        }
    }
}
