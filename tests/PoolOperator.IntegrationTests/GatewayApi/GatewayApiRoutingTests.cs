using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.IntegrationTests.Operator;
using PoolOperator.Routing.GatewayApi;
using PoolOperator.Runtime.Informers;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.GatewayApi;

/// <summary>
/// Gateway API routing on the Gateway API project's own HTTPRoute CRD, from a route as users write it before a migration:
/// one rule whose only backendRef is V1's Service, next to fields the operator does not own.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GatewayApiRoutingTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const int Total = 4;
    private const string Route = "pool";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task WeightsAndTheMirrorFollowEveryStageAndAStageIsReportedOnlyOnceTheRouteCarriesIt()
    {
        var (kit, instance) = await StartAsync("gw-stages");
        await using (instance)
        {
            var clock = Stopwatch.StartNew();
            await using var routes = await WatchRecorder<HttpRoute>.StartAsync(ResourceSources.CustomResource<HttpRoute>(kit.Client, HttpRouteKit.Group, HttpRouteKit.Version, HttpRouteKit.Plural), kit.Namespace, clock);
            await using var migrations = await WatchRecorder<PoolMigration>.StartAsync(ResourceSources.CustomResource<PoolMigration>(kit.Client, PoolMigration.Group, PoolMigration.Version, PoolMigration.Plural), kit.Namespace, clock);
            var asWritten = await HttpRouteKit.SpecAsync(kit, Route);

            await kit.CreateAsync(RoutedMigration(Stages.Shadow("shadow", 100, "3s"), Stages.Weighted("canary-25", 25, "3s"), Stages.Weighted("full", 100, "1s")));
            await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);

            var routeVersions = routes.Observations.Where(o => o.Object.Name() == Route).Select(o => o.Object).ToList();
            var carried = routeVersions.Select(r => HttpRouteRules.Carried(r.Rules, Gateway()).Single()).Distinct().ToList();
            output.WriteLine($"route states in order: {string.Join(" -> ", carried)}");

            // V2's backendRef was added next to V1's, and the weights went through every stage in order; the mirror only while shadowing.
            Assert.Equal([(0, 0), (0, 100), (25, 0), (100, 0)], carried);
            var final = routeVersions[^1].Rules![0]!["backendRefs"]!.AsArray();
            Assert.Equal(["pool-v1:0", "pool-v2:100"], final.Select(b => $"{b!["name"]}:{b["weight"]}"));

            // Every status that reports a stage in place was written after a route version that carries the stage. One etcd
            // orders all writes, so its resourceVersions compare across resources on this cluster.
            var applied = migrations.Observations.Select(o => o.Object).Where(m => m.Name() == "pool" && m.Status?.StageReadyAt is not null).ToList();
            Assert.NotEmpty(applied);
            foreach (var status in applied)
            {
                var stage = status.Spec.Stages[status.Status!.StageIndex!.Value];
                var expected = status.Status.PromotedAt is not null ? (100, 0) : (stage.Weight ?? 0, stage.Shadow?.Percent ?? 0);
                var routeThen = routeVersions.Last(r => long.Parse(r.ResourceVersion()) < long.Parse(status.ResourceVersion()));
                Assert.True(HttpRouteRules.Carried(routeThen.Rules, Gateway()).Single() == expected,
                    $"status {status.ResourceVersion()} reports stage {stage.Name} in place ({status.Status.Message}) but route {routeThen.ResourceVersion()} carries {HttpRouteRules.Carried(routeThen.Rules, Gateway()).Single()}");
            }

            Assert.Contains(applied, m => m.Status!.Message!.Contains("HTTPRoute pool sends every request to pool-v1 and mirrors it to pool-v2", StringComparison.Ordinal));
            Assert.Contains(applied, m => m.Status!.Message == "Stage canary-25: HTTPRoute pool sends 25% of its requests to pool-v2");
            Assert.Equal(HttpRouteKit.ControllerName, (await HttpRouteKit.StatusAsync(kit, Route))?["parents"]?[0]?["controllerName"]?.GetValue<string>());

            // Fields the operator does not own are as written in every version: hostnames, the other rule, V1's rule's matches and filters.
            foreach (var version in routeVersions)
            {
                Assert.True(JsonNode.DeepEquals(asWritten["hostnames"], version.Spec!["hostnames"]));
                Assert.True(JsonNode.DeepEquals(asWritten["parentRefs"], version.Spec["parentRefs"]));
                Assert.True(JsonNode.DeepEquals(asWritten["rules"]![1], version.Rules![1]));
                Assert.True(JsonNode.DeepEquals(asWritten["rules"]![0]!["matches"], version.Rules[0]!["matches"]));
                var ownFilters = new JsonArray([.. (version.Rules[0]!["filters"] as JsonArray ?? []).Where(f => f!["type"]!.GetValue<string>() != HttpRouteRules.RequestMirror).Select(f => f!.DeepClone())]);
                Assert.True(JsonNode.DeepEquals(asWritten["rules"]![0]!["filters"], ownFilters), $"route {version.ResourceVersion()} changed V1's rule's filters: {version.Rules[0]!["filters"]}");
            }
        }
    }

    [Fact]
    public async Task ARollbackRestoresTheRoutesOriginalRulesByteForByte()
    {
        var (kit, instance) = await StartAsync("gw-rollback");
        await using (instance)
        {
            var before = (await HttpRouteKit.SpecAsync(kit, Route))["rules"]!.ToJsonString();

            await kit.CreateAsync(RoutedMigration(Stages.Shadow("shadow", 100, "2s"), Stages.Weighted("canary-25", 25, "10m"), Stages.Weighted("full", 100)));
            await kit.WaitForAsync("pool", m => m.Status is { StageName: "canary-25", StageReadyAt: not null }, Timeout, "canary-25 in place");
            Assert.NotEqual(before, (await HttpRouteKit.SpecAsync(kit, Route))["rules"]!.ToJsonString());

            await kit.AnnotateAsync("pool", ActionAnnotations.Abort, "abort-1");
            await kit.WaitForPhaseAsync("pool", Phases.RolledBack, Timeout);

            var after = (await HttpRouteKit.SpecAsync(kit, Route))["rules"]!.ToJsonString();
            output.WriteLine($"rules before: {before}");
            output.WriteLine($"rules after:  {after}");
            Assert.Equal(before, after);
        }
    }

    [Fact]
    public async Task AMissingHttpRouteIsInvalidBeforeAnyDeploymentIsScaledAndCreatingItLetsTheMigrationGo()
    {
        var (kit, instance) = await StartAsync("gw-missing", createRoute: false);
        await using (instance)
        {
            await kit.CreateAsync(RoutedMigration(Stages.Shadow("shadow", 100, "1s"), Stages.Weighted("canary-25", 25, "1s"), Stages.Weighted("full", 100, "1s")));

            var invalid = await kit.WaitForPhaseAsync("pool", Phases.Invalid, Timeout);
            output.WriteLine($"message: {invalid.Status!.Message}");
            Assert.Contains("spec.trafficRouting.gatewayAPI.httpRoute: HTTPRoute \"pool\" not found", invalid.Status.Message, StringComparison.Ordinal);
            Assert.Null(invalid.Status.Original);
            Assert.Equal("True", invalid.Status.Conditions!.Single(c => c.Type == ConditionTypes.InvalidSpec).Status);
            await kit.WaitForEventAsync("pool", "InvalidSpec", e => e.Type == "Warning" && e.Message.Contains("not found", StringComparison.Ordinal));
            foreach (var (deployment, replicas) in new[] { ("pool-v1", Total), ("pool-v2", 0) })
            {
                var observed = await kit.ReadDeploymentAsync(deployment);
                Assert.Equal(replicas, observed.Spec.Replicas);
                Assert.DoesNotContain(observed.Metadata.ManagedFields ?? [], f => f.Manager == "pool-operator");
            }

            await CreateRouteAsync(kit);
            await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
        }
    }

    [Fact]
    public async Task AShadowStageWithoutAMirroringPathIsInvalidAndTouchesNoDeployment()
    {
        var (kit, instance) = await StartAsync("gw-noshadow", createRoute: false);
        await using (instance)
        {
            await kit.CreateAsync(MigrationKit.Migration("pool", Stages.Shadow("shadow", 100), Stages.Weighted("full", 100)));

            var invalid = await kit.WaitForPhaseAsync("pool", Phases.Invalid, Timeout);
            output.WriteLine($"message: {invalid.Status!.Message}");
            Assert.StartsWith("spec.stages[0].shadow: a shadow stage needs a path that copies traffic to V2", invalid.Status.Message, StringComparison.Ordinal);
            Assert.Contains("spec.trafficRouting.gatewayAPI", invalid.Status.Message, StringComparison.Ordinal);
            Assert.Contains("spec.trafficRouting.flags", invalid.Status.Message, StringComparison.Ordinal);
            Assert.Equal(0, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);
        }
    }

    [Fact]
    public async Task AServiceSelectingV2DuringShadowIsReportedOnceAndNarrowingItClearsTheCondition()
    {
        var (kit, instance) = await StartAsync("gw-isolation");
        await using (instance)
        {
            // The documented mistake: one Service over both tracks.
            await kit.Client.CoreV1.CreateNamespacedServiceAsync(Service("pool", new() { ["app"] = "pool" }), kit.Namespace);
            await kit.CreateAsync(RoutedMigration(Stages.Shadow("shadow", 100, "10m"), Stages.Weighted("full", 100)));

            var reported = await kit.WaitForAsync("pool", m => Isolation(m) is { Status: "False" }, Timeout, "TrafficIsolation False");
            var condition = Isolation(reported)!;
            output.WriteLine($"{condition.Reason}: {condition.Message}");
            Assert.Equal("ServiceSelectsV2", condition.Reason);
            Assert.StartsWith("Service pool selects V2's pods", condition.Message, StringComparison.Ordinal);
            var warning = await kit.WaitForEventAsync("pool", "ServiceSelectsV2");
            Assert.Equal("Warning", warning.Type);

            // Narrowed to V1's pods: the Service's change alone wakes the migration.
            await kit.Client.CoreV1.PatchNamespacedServiceAsync(
                new V1Patch(new { spec = new { selector = new Dictionary<string, string> { ["app"] = "pool", ["track"] = "v1" } } }, V1Patch.PatchType.MergePatch),
                "pool", kit.Namespace);
            var isolated = await kit.WaitForAsync("pool", m => Isolation(m) is { Status: "True" }, Timeout, "TrafficIsolation True");
            Assert.Equal("Isolated", Isolation(isolated)!.Reason);
            var warnings = (await kit.EventsAsync("pool")).Where(e => e.Reason == "ServiceSelectsV2").ToList();
            Assert.Equal(1, Assert.Single(warnings).Count ?? 1);
        }
    }

    private static V1Condition? Isolation(PoolMigration migration) =>
        migration.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.TrafficIsolation);

    private static GatewayApiRouting Gateway() => new() { HttpRoute = Route, V1Service = "pool-v1", V2Service = "pool-v2" };

    private static PoolMigration RoutedMigration(params MigrationStage[] stages)
    {
        var migration = MigrationKit.Migration("pool", stages);
        migration.Spec.TrafficRouting = new TrafficRoutingSpec { GatewayApi = Gateway() };
        return migration;
    }

    private async Task<(MigrationKit Kit, OperatorInstance Instance)> StartAsync(string prefix, bool createRoute = true)
    {
        await HttpRouteKit.EnsureInstalledAsync(cluster);
        var ns = await cluster.CreateNamespaceAsync(prefix);
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", Total);
        await kit.Client.CoreV1.CreateNamespacedServiceAsync(Service("pool-v1", new() { ["app"] = "pool", ["track"] = "v1" }), ns);
        await kit.Client.CoreV1.CreateNamespacedServiceAsync(Service("pool-v2", new() { ["app"] = "pool", ["track"] = "v2" }), ns);
        if (createRoute)
        {
            await CreateRouteAsync(kit);
        }

        return (kit, await OperatorInstance.StartAsync(cluster.ClientConfig, false, $"Operator:Namespaces:0={ns}"));
    }

    /// <summary>
    /// The route as users write it before a migration, V1's Service the only backend of its rule, with the status a gateway
    /// controller writes when it accepts it: a field the operator does not read, which every replace must carry as read.
    /// </summary>
    private static async Task CreateRouteAsync(MigrationKit kit)
    {
        await CreateRouteSpecAsync(kit);
        await HttpRouteKit.AcceptAsync(kit, Route);
    }

    private static Task CreateRouteSpecAsync(MigrationKit kit) => HttpRouteKit.CreateAsync(kit, Route, JsonNode.Parse("""
        {
          "parentRefs": [{"name": "gateway"}],
          "hostnames": ["shop.example.com"],
          "rules": [
            {
              "matches": [{"path": {"type": "PathPrefix", "value": "/api"}, "headers": [{"name": "x-tenant", "value": "blue"}]}],
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

    private static V1Service Service(string name, Dictionary<string, string> selector) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1ServiceSpec { Selector = selector, Ports = [new V1ServicePort { Port = 80, TargetPort = 8080 }] },
    };
}
