using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using PoolOperator.Runtime.Client;

namespace PoolOperator.Runtime;

/// <summary>Settings of the operator runtime: what to watch, how fast to talk to the apiserver, how to elect a leader.</summary>
public sealed partial class OperatorRuntimeOptions : IValidatableObject
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Operator";

    /// <summary>Namespaces to watch; empty watches all namespaces.</summary>
    public List<string> Namespaces { get; set; } = [];

    /// <summary>Sustained apiserver requests per second.</summary>
    [Range(0.1, 100_000)]
    public double Qps { get; set; } = KubernetesClientFactory.DefaultQps;

    /// <summary>Requests allowed at once above the sustained rate.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = KubernetesClientFactory.DefaultBurst;

    /// <summary>The most reconciles one controller runs at once.</summary>
    [Range(1, 256)]
    public int MaxConcurrentReconciles { get; set; } = 4;

    /// <summary>The name written as the component of Events (source.component and reportingComponent).</summary>
    [Required]
    [RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    [StringLength(128)]
    public string ComponentName { get; set; } = RuntimeDefaults.ComponentName;

    /// <summary>Liveness fails when a reconcile loop with work has made no progress for this long.</summary>
    [TimeSpanRange("00:00:10", "1.00:00:00")]
    public TimeSpan WedgedAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether replicas elect a single leader through a Lease; turn off for a single replica or tests.</summary>
    public bool LeaderElection { get; set; } = true;

    /// <summary>The name of the coordination.k8s.io Lease used for leader election.</summary>
    [Required]
    [RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    [StringLength(253)]
    public string LeaseName { get; set; } = "pool-operator-leader";

    /// <summary>The Lease's namespace; defaults to the pod's namespace (POD_NAMESPACE or the service-account file).</summary>
    [RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    [StringLength(63)]
    public string? LeaseNamespace { get; set; }

    /// <summary>This replica's identity in the Lease; defaults to POD_NAME or the host name plus a random suffix.</summary>
    [StringLength(128)]
    public string? Identity { get; set; }

    /// <summary>How long a Lease stays valid without renewal before a standby may take it.</summary>
    [TimeSpanRange("00:00:02", "00:10:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps retrying a renewal before it gives up leadership.</summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often candidates try to acquire and the leader renews.</summary>
    [TimeSpanRange("00:00:00.100", "00:05:00")]
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var ns in Namespaces)
        {
            if (string.IsNullOrEmpty(ns) || ns.Length > 63 || !DnsLabel().IsMatch(ns))
            {
                yield return new ValidationResult($"'{ns}' is not a valid namespace name.", [nameof(Namespaces)]);
            }
        }

        if (LeaderElection)
        {
            // The same ordering client-go enforces: a leader must give up before a standby may take over.
            if (LeaseDuration <= RenewDeadline)
            {
                yield return new ValidationResult(
                    "LeaseDuration must be greater than RenewDeadline.",
                    [nameof(LeaseDuration), nameof(RenewDeadline)]);
            }

            if (RenewDeadline <= RetryPeriod * 1.2)
            {
                yield return new ValidationResult(
                    "RenewDeadline must be greater than 1.2 x RetryPeriod.",
                    [nameof(RenewDeadline), nameof(RetryPeriod)]);
            }
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();
}
