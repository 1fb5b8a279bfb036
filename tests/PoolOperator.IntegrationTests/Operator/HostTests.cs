using System.Net;
using Microsoft.Extensions.Options;
using PoolOperator.IntegrationTests.Infrastructure;
using Xunit;

namespace PoolOperator.IntegrationTests.Operator;

[Collection(ClusterCollection.Name)]
public sealed class HostTests(ClusterFixture cluster)
{
    [Fact]
    public async Task HealthAndReadinessAndMetricsAreServed()
    {
        var ns = await cluster.CreateNamespaceAsync("host");
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");
        using var http = new HttpClient { BaseAddress = instance.BaseAddress };

        await cluster.WaitForAsync(async () => (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(20), "/readyz answers 200 once the informers have synced");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);

        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("# TYPE", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidOptionsStopTheOperatorAtStartWithAMessageNamingTheSetting()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            OperatorInstance.StartAsync(cluster.ClientConfig, settings: "Operator:Qps=0"));
        Assert.Contains("Qps", failure.Message, StringComparison.Ordinal);
    }
}
