using k8s;
using k8s.Models;
using PoolOperator.IntegrationTests.Analysis;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.IntegrationTests.Operator;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Plugin;

/// <summary>`kubectl poolmigration plan FILE` against the real apiserver and a real Prometheus, before anything is applied.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PluginPlanTests(ClusterFixture cluster, PrometheusFixture prometheus, ITestOutputHelper output) : IClassFixture<PrometheusFixture>
{
    [Fact]
    public async Task A_sound_file_passes_with_its_timeline_and_a_broken_one_exits_5_naming_each_blocking_finding()
    {
        var ns = await cluster.CreateNamespaceAsync("plugin-plan");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", 4);
        await cluster.Client.CoreV1.CreateNamespacedServiceAsync(
            new V1Service
            {
                Metadata = new V1ObjectMeta { Name = "pool" },
                Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "pool" }, Ports = [new V1ServicePort { Port = 80 }] },
            },
            ns);
        await prometheus.WaitForScrapeAsync();
        var plugin = new PluginBinary(cluster, ns);
        var directory = Directory.CreateTempSubdirectory("pooloperator-plan-");
        try
        {
            var sound = Path.Combine(directory.FullName, "sound.yaml");
            await File.WriteAllTextAsync(sound, Manifest("pool-v2", "up"));
            var ok = await plugin.RunAsync("plan", sound);
            output.WriteLine(ok.ToString());
            Assert.True(ok.ExitCode == 0, ok.ToString());
            Assert.Contains("pool-v1 exists (4 replicas, 4 ready)", ok.Output);
            Assert.Contains("V1 and V2 select disjoint pods", ok.Output);
            Assert.Contains("pool select both pools", ok.Output);
            Assert.Contains("query returns", ok.Output);
            Assert.Contains("peak during entering shadow: 4 V1 + 4 V2 pods", ok.Output);
            Assert.Contains("Total: 7m30s", ok.Output);
            Assert.Contains("Ready: nothing blocks this migration.", ok.Output);

            var broken = Path.Combine(directory.FullName, "broken.yaml");
            await File.WriteAllTextAsync(broken, Manifest("pool-v3", "pooloperator_metric_nobody_exports"));
            var blocked = await plugin.RunAsync("plan", broken);
            output.WriteLine(blocked.ToString());
            Assert.Equal(5, blocked.ExitCode);
            Assert.Contains("pool-v3 not found in namespace", blocked.Output);
            Assert.Contains("the query returns no data", blocked.Output);
            Assert.Contains("Blocked: 2 blocking finding(s).", blocked.Output);

            // Nothing was created or changed by either plan.
            Assert.Empty((await cluster.Client.CustomObjects.ListNamespacedCustomObjectAsync<PoolOperator.Api.V1Alpha1.PoolMigrationList>(
                PoolOperator.Api.V1Alpha1.PoolMigration.Group, PoolOperator.Api.V1Alpha1.PoolMigration.Version, ns, PoolOperator.Api.V1Alpha1.PoolMigration.Plural)).Items);
            Assert.Equal(0, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);

            var absent = await plugin.RunAsync("plan", Path.Combine(directory.FullName, "absent.yaml"));
            Assert.Equal(3, absent.ExitCode);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private string Manifest(string v2, string query) => $"""
        apiVersion: pooloperator.io/v1alpha1
        kind: PoolMigration
        metadata:
          name: pool
        spec:
          v1: {"{"}deployment: pool-v1{"}"}
          v2: {"{"}deployment: {v2}{"}"}
          stages:
            - name: shadow
              shadow: {"{"}percent: 100{"}"}
              duration: 1m
            - {"{"}name: canary-25, weight: 25, duration: 30s{"}"}
            - {"{"}name: half, weight: 50, approval: Required{"}"}
            - {"{"}name: full, weight: 100, duration: 1m{"}"}
          analysis:
            interval: 30s
            checks:
              - name: error-rate
                prometheus:
                  address: {prometheus.Address}
                  query: "{query}"
                max: 0.01
          completion:
            rollbackWindowSeconds: 300
        """;
}
