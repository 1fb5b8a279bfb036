using System.Threading.RateLimiting;
using k8s;

namespace PoolOperator.Runtime.Client;

/// <summary>Builds <see cref="IKubernetes"/> clients whose requests are limited to a steady rate with bursts.</summary>
public static class KubernetesClientFactory
{
    /// <summary>Default sustained requests per second (client-go's 5 is too low for an operator watching pods).</summary>
    public const double DefaultQps = 50;

    /// <summary>Default number of requests allowed at once above the sustained rate.</summary>
    public const int DefaultBurst = 100;

    // Refill granularity: finer than this only costs timer wake-ups.
    private static readonly TimeSpan MinReplenishmentPeriod = TimeSpan.FromMilliseconds(10);

    /// <summary>Creates a client for <paramref name="configuration"/> limited to <paramref name="qps"/> requests per second with bursts of <paramref name="burst"/>.</summary>
    public static IKubernetes Create(
        KubernetesClientConfiguration configuration,
        double qps = DefaultQps,
        int burst = DefaultBurst,
        params DelegatingHandler[] additionalHandlers)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(additionalHandlers);
        var handlers = new DelegatingHandler[additionalHandlers.Length + 1];
        handlers[0] = new RateLimitingHandler(CreateLimiter(qps, burst));
        additionalHandlers.CopyTo(handlers, 1);
        return new Kubernetes(configuration, handlers);
    }

    /// <summary>Loads the in-cluster configuration when running in a pod, else the current kubeconfig context.</summary>
    public static KubernetesClientConfiguration DefaultConfiguration() =>
        KubernetesClientConfiguration.IsInCluster()
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubeconfigFile.Load(KubernetesClientConfiguration.KubeConfigDefaultLocation);

    internal static TokenBucketRateLimiter CreateLimiter(double qps, int burst)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(qps, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);

        var period = TimeSpan.FromSeconds(1 / qps);
        var tokensPerPeriod = 1;
        if (period < MinReplenishmentPeriod)
        {
            period = MinReplenishmentPeriod;
            tokensPerPeriod = (int)Math.Max(1, Math.Round(qps * period.TotalSeconds));
        }

        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = period,
            AutoReplenishment = true,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,

            // Callers wait for a permit rather than fail, as client-go's limiter does.
            QueueLimit = int.MaxValue,
        });
    }
}
