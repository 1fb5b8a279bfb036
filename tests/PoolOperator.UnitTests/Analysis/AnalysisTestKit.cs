using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PoolOperator.Analysis;
using PoolOperator.Analysis.Prometheus;
using PoolOperator.Analysis.ShadowComparison;
using PoolOperator.Analysis.Webhook;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.UnitTests.Analysis;

/// <summary>Builds providers over a stub HTTP handler, the way the DI container would.</summary>
internal static class AnalysisTestKit
{
    public const string Namespace = "shop";

    public static readonly MeasurementContext Context = new(Namespace, "session-pool", "canary-25", 25, "Progressing");

    public static AnalysisOptions FastOptions(int retryCount = 0) => new()
    {
        DefaultPrometheusAddress = "http://prometheus.test:9090",
        RetryCount = retryCount,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        DefaultTimeout = TimeSpan.FromSeconds(5),
    };

    public static PrometheusProvider Prometheus(HttpMessageHandler handler, AnalysisOptions? options = null, ISecretSource? secrets = null, TimeProvider? time = null)
    {
        var (clients, resilience, resolver, wrapped, clock) = Parts(handler, options, secrets, time);
        return new PrometheusProvider(clients, resilience, resolver, wrapped, clock, NullLogger<PrometheusProvider>.Instance);
    }

    public static ShadowComparisonProvider ShadowComparison(HttpMessageHandler handler, AnalysisOptions? options = null, ISecretSource? secrets = null, TimeProvider? time = null)
    {
        var (clients, resilience, resolver, wrapped, clock) = Parts(handler, options, secrets, time);
        return new ShadowComparisonProvider(clients, resilience, resolver, wrapped, clock, NullLogger<ShadowComparisonProvider>.Instance);
    }

    public static WebhookProvider Webhook(HttpMessageHandler handler, AnalysisOptions? options = null, ISecretSource? secrets = null)
    {
        var (clients, resilience, resolver, wrapped, clock) = Parts(handler, options, secrets, null);
        return new WebhookProvider(clients, resilience, resolver, wrapped, clock, NullLogger<WebhookProvider>.Instance);
    }

    public static AnalysisCheck PrometheusCheck(string query = "v2_error_ratio", double? min = null, double? max = null, string? baselineQuery = null, double? maxRatio = null, double? maxDelta = null) => new()
    {
        Name = "check",
        Prometheus = new PrometheusCheck { Query = query, BaselineQuery = baselineQuery },
        Min = min,
        Max = max,
        MaxRatio = maxRatio,
        MaxDelta = maxDelta,
    };

    public static AnalysisCheck WebhookCheck(string url = "http://smoke.test/run", int? timeoutSeconds = null) => new()
    {
        Name = "smoke",
        Webhook = new WebhookCheck { Url = url, TimeoutSeconds = timeoutSeconds },
    };

    /// <summary>A Prometheus answer with a one-sample instant vector.</summary>
    public static string Vector(string value) =>
        $$$"""{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"v2"},"value":[1700000000.123,"{{{value}}}"]}]}}""";

    private static (AnalysisHttpClients, AnalysisResilience, CredentialResolver, IOptions<AnalysisOptions>, TimeProvider) Parts(
        HttpMessageHandler handler, AnalysisOptions? options, ISecretSource? secrets, TimeProvider? time)
    {
        var wrapped = Options.Create(options ?? FastOptions());
        var clock = time ?? TimeProvider.System;
        return (
            new AnalysisHttpClients(new StubHttpClientFactory(handler)),
            new AnalysisResilience(wrapped, clock, NullLoggerFactory.Instance),
            new CredentialResolver(secrets ?? new InMemorySecretSource(), new CaTrustStore(), wrapped, clock),
            wrapped,
            clock);
    }
}
