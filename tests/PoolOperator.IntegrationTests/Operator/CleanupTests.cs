using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// spec.completion.cleanup on a real apiserver: by default V1 stays at 0 and nothing is deleted; with Delete, V1's Deployment
/// and the opted-in Service, flags ConfigMap and route backend go only after the rollback window and the retention, V2 keeps
/// serving, and an operator restarted during the retention still cleans up, once.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CleanupTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const int Total = 4;
    private const string Route = "shop";
    private const string Flags = "pool-rollout";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ByDefaultV1StaysAtZeroAndNothingIsDeleted()
    {
        var kit = await PoolAsync("cleanup-default");
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={kit.Namespace}");
        var migration = MigrationKit.Migration("pool");
        migration.Spec.TrafficRouting = new() { Flags = new() { ConfigMap = Flags } };
        await kit.CreateAsync(migration);

        var completed = await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);

        Assert.Equal(CleanupPolicies.ScaleToZero, completed.Status!.Cleanup?.Policy);
        Assert.Empty(completed.Status.Cleanup!.Objects);
        Assert.Equal(CleanupPolicies.ScaleToZero, completed.Status.History![^1].Cleanup?.Policy);
        await Hold.ForAsync(TimeSpan.FromSeconds(5), async () =>
        {
            var v1 = await ReadOrNullAsync(() => kit.ReadDeploymentAsync("pool-v1"));
            var flags = await ReadOrNullAsync(() => kit.Client.CoreV1.ReadNamespacedConfigMapAsync(Flags, kit.Namespace));
            return v1 is null ? "V1's Deployment was deleted"
                : v1.Spec.Replicas != 0 ? $"V1 has {v1.Spec.Replicas} replicas"
                : flags is null ? "the flags ConfigMap was deleted"
                : null;
        }, "V1 at 0 and kept");
        Assert.DoesNotContain(await kit.EventsAsync("pool"), e => e.Reason == "CleanedUp");
    }

    [Fact]
    public async Task DeleteRemovesV1AndWhatWasOptedInOnlyAfterTheWindowAndTheRetentionWhileV2KeepsServing()
    {
        var kit = await RoutedPoolAsync("cleanup-delete");
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={kit.Namespace}");
        var migration = MigrationKit.Migration("pool");
        migration.Spec.TrafficRouting = new()
        {
            Flags = new() { ConfigMap = Flags },
            GatewayApi = new() { HttpRoute = Route, V1Service = "pool-v1", V2Service = "pool-v2" },
        };
        migration.Spec.Completion = new CompletionSpec
        {
            RollbackWindowSeconds = 2,
            Cleanup = new() { Policy = CleanupPolicies.Delete, RetentionSeconds = 4, DeleteV1Service = true, DeleteFlagsConfigMap = true, RemoveV1RouteBackend = true },
        };
        await kit.CreateAsync(migration);

        var completed = await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
        var dueAt = completed.Status!.Cleanup!.DueAt!.Value;
        Assert.Equal(completed.Status.PromotedAt!.Value + TimeSpan.FromSeconds(6), dueAt);
        var routeAtCompletion = await HttpRouteKit.SpecAsync(kit, Route);

        // Every poll until the cleanup finished: nothing gone before its due time, V2 ready all along.
        DateTime? v1GoneAt = null;
        PoolMigration? finished = null;
        await cluster.WaitForAsync(async () =>
        {
            var v1 = await ReadOrNullAsync(() => kit.ReadDeploymentAsync("pool-v1"));
            var service = await ReadOrNullAsync(() => kit.Client.CoreV1.ReadNamespacedServiceAsync("pool-v1", kit.Namespace));
            var now = DateTime.UtcNow;
            if (v1 is null || service is null)
            {
                v1GoneAt ??= now;
            }

            var v2 = await kit.ReadDeploymentAsync("pool-v2");
            Assert.True(v2.Status?.ReadyReplicas == Total, $"V2 has {v2.Status?.ReadyReplicas} ready replicas at {now:O}");
            finished = await kit.GetAsync("pool");
            return finished.Status?.Cleanup?.FinishedAt is not null;
        }, Timeout, "the cleanup finished");
        output.WriteLine($"due {dueAt:O}, V1 first seen gone {v1GoneAt:O}");
        Assert.True(v1GoneAt >= dueAt, $"V1 was gone at {v1GoneAt:O}, before the cleanup was due at {dueAt:O}");

        Assert.Null(await ReadOrNullAsync(() => kit.ReadDeploymentAsync("pool-v1")));
        Assert.Null(await ReadOrNullAsync(() => kit.Client.CoreV1.ReadNamespacedServiceAsync("pool-v1", kit.Namespace)));
        Assert.Null(await ReadOrNullAsync(() => kit.Client.CoreV1.ReadNamespacedConfigMapAsync(Flags, kit.Namespace)));
        Assert.NotNull(await ReadOrNullAsync(() => kit.Client.CoreV1.ReadNamespacedServiceAsync("pool-v2", kit.Namespace)));

        // V1's backendRef is gone; V2's serves the rule alone; every other field of the route is as it was.
        var expected = (JsonObject)routeAtCompletion.DeepClone();
        var backends = expected["rules"]![0]!["backendRefs"]!.AsArray();
        backends.Remove(backends.Single(b => b!["name"]!.GetValue<string>() == "pool-v1"));
        var route = await HttpRouteKit.SpecAsync(kit, Route);
        Assert.True(JsonNode.DeepEquals(expected, route), $"route after cleanup: {route.ToJsonString()}");
        Assert.Equal(("pool-v2", 100), (route["rules"]![0]!["backendRefs"]![0]!["name"]!.GetValue<string>(), route["rules"]![0]!["backendRefs"]![0]!["weight"]!.GetValue<int>()));

        var cleanup = finished!.Status!.Cleanup!;
        Assert.Equal(
            [("HTTPRoute", Route, "BackendRemoved"), ("Deployment", "pool-v1", "Deleted"), ("Service", "pool-v1", "Deleted"), ("ConfigMap", Flags, "Deleted")],
            cleanup.Objects.Select(o => (o.Kind, o.Name, o.Outcome)).ToList());
        Assert.All(cleanup.Objects, o => Assert.True(o.RequestedAt >= dueAt));
        Assert.Equal(KubernetesJson.Serialize(cleanup), KubernetesJson.Serialize(finished.Status.History![^1].Cleanup));
        Assert.Contains(finished.Status.Conditions!, c => c is { Type: ConditionTypes.CleanedUp, Status: "True" });
        Assert.Equal(Phases.Completed, finished.Status.Phase);
        await kit.WaitForEventAsync("pool", "CleanedUp", e => e.Message == "Cleanup after completion: deleted Deployment pool-v1");

        // V2's pods are not disturbed by V1's going.
        await Hold.ForAsync(TimeSpan.FromSeconds(3), async () =>
            (await kit.ReadDeploymentAsync("pool-v2")).Status?.ReadyReplicas is var ready && ready == Total ? null : $"V2 has {ready} ready", "V2 ready");
    }

    [Fact]
    public async Task AnOperatorRestartedDuringTheRetentionStillCleansUpOnce()
    {
        var kit = await PoolAsync("cleanup-restart");
        var migration = MigrationKit.Migration("pool");
        migration.Spec.Completion = new CompletionSpec { RollbackWindowSeconds = 1, Cleanup = new() { Policy = CleanupPolicies.Delete, RetentionSeconds = 12 } };
        DateTime dueAt;
        await using (var first = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={kit.Namespace}"))
        {
            await kit.CreateAsync(migration);
            var completed = await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
            dueAt = completed.Status!.Cleanup!.DueAt!.Value;
            await first.StopAsync();
            Assert.True(DateTime.UtcNow < dueAt, "the operator must stop before the cleanup is due for this test to mean anything");
        }

        // Nothing runs while the operator is down; the due time passes.
        await cluster.WaitForAsync(() => Task.FromResult(DateTime.UtcNow > dueAt + TimeSpan.FromSeconds(1)), TimeSpan.FromSeconds(30), "the due time passed");
        Assert.NotNull(await ReadOrNullAsync(() => kit.ReadDeploymentAsync("pool-v1")));

        await using var second = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={kit.Namespace}");
        var finished = await kit.WaitForAsync("pool", m => m.Status?.Cleanup?.FinishedAt is not null, Timeout, "the cleanup finished");

        var deleted = Assert.Single(finished.Status!.Cleanup!.Objects);
        Assert.Equal(("Deployment", "pool-v1", "Deleted"), (deleted.Kind, deleted.Name, deleted.Outcome));
        Assert.True(deleted.RequestedAt > dueAt);
        Assert.Null(await ReadOrNullAsync(() => kit.ReadDeploymentAsync("pool-v1")));
        var recorded = await kit.WaitForEventAsync("pool", "CleanedUp");
        await Hold.ForAsync(TimeSpan.FromSeconds(3), async () =>
        {
            var events = (await kit.EventsAsync("pool")).Where(e => e.Reason == "CleanedUp").ToList();
            return events.Count == 1 && (events[0].Count ?? 1) == 1 ? null : $"{events.Count} CleanedUp Events, count {events.FirstOrDefault()?.Count}";
        }, "one CleanedUp Event");
        Assert.Equal(Phases.Completed, (await kit.GetAsync("pool")).Status!.Phase);
        output.WriteLine($"due {dueAt:O}, requested {deleted.RequestedAt:O}: {recorded.Message}");
    }

    private async Task<MigrationKit> PoolAsync(string prefix)
    {
        var kit = new MigrationKit(cluster, await cluster.CreateNamespaceAsync(prefix));
        await kit.CreatePoolAsync("pool", Total);
        return kit;
    }

    private async Task<MigrationKit> RoutedPoolAsync(string prefix)
    {
        await HttpRouteKit.EnsureInstalledAsync(cluster);
        var kit = await PoolAsync(prefix);
        foreach (var track in new[] { "v1", "v2" })
        {
            await kit.Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
            {
                Metadata = new V1ObjectMeta { Name = $"pool-{track}" },
                Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "pool", ["track"] = track }, Ports = [new V1ServicePort { Port = 80, TargetPort = 8080 }] },
            }, kit.Namespace);
        }

        await HttpRouteKit.CreateAsync(kit, Route, JsonNode.Parse("""
            {
              "parentRefs": [{"name": "gateway"}],
              "hostnames": ["shop.example.com"],
              "rules": [
                {
                  "matches": [{"path": {"type": "PathPrefix", "value": "/api"}}],
                  "filters": [{"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": [{"name": "x-pool", "value": "shop"}]}}],
                  "backendRefs": [{"name": "pool-v1", "port": 80}]
                },
                {
                  "matches": [{"path": {"type": "PathPrefix", "value": "/admin"}}],
                  "backendRefs": [{"name": "admin", "port": 80}]
                }
              ]
            }
            """)!.AsObject());
        return kit;
    }

    private static async Task<T?> ReadOrNullAsync<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
