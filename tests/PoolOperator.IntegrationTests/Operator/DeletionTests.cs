using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.LocalCluster;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// Deleting a PoolMigration puts back what it touched (docs/actions.md, "Deleting a migration"): mid-way the replicas,
/// the flags ConfigMap and the HTTPRoute return to their original state before the object goes; a completed migration
/// leaves V2 serving; an operator killed during the deletion is replaced by one that finishes it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DeletionTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const int Total = 4;
    private const string FlagsConfigMap = "pool-rollout";
    private const string Route = "pool";
    private const string MigrationFinalizerName = "pooloperator.io/finalizer";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task DeletingAMigrationMidWayRestoresReplicasFlagsAndRouteBeforeTheObjectGoes()
    {
        var (kit, previousJson) = await PoolWithRoutingAsync("delete-midway");
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={kit.Namespace}");
        await kit.CreateAsync(RoutedMigration());
        var atQuarter = await WaitAtQuarterAsync(kit);
        Assert.Contains(MigrationFinalizerName, atQuarter.Metadata.Finalizers ?? []);
        Assert.Equal(new Dictionary<string, int> { ["pool-v1"] = 75, ["pool-v2"] = 25 }, await HttpRouteKit.WeightsAsync(kit, Route));
        Assert.Contains("\"v2Percent\":25", await RolloutJsonAsync(kit), StringComparison.Ordinal);

        IReadOnlyList<PoolSample> samples;
        await using (var sampler = PoolSampler.Start(kit, "pool", FlagsConfigMap))
        {
            await DeleteAsync(kit);
            await WaitGoneAsync(kit);
            await cluster.WaitForAsync(() => Task.FromResult(sampler.Samples.Any(s => s.V2Replicas == 0)), Timeout, "a sample of V2 scaled back to 0");
            samples = sampler.Samples;
        }

        var v1 = await kit.ReadDeploymentAsync("pool-v1");
        var v2 = await kit.ReadDeploymentAsync("pool-v2");
        Assert.Equal(Total, v1.Spec.Replicas);
        Assert.Equal(0, v2.Spec.Replicas);
        Assert.Equal(previousJson, await RolloutJsonAsync(kit));
        Assert.Equal("platform", (await kit.Client.CoreV1.ReadNamespacedConfigMapAsync(FlagsConfigMap, kit.Namespace)).Data["owner"]);
        Assert.Equal(new Dictionary<string, int> { ["pool-v1"] = 100, ["pool-v2"] = 0 }, await HttpRouteKit.WeightsAsync(kit, Route));
        var restored = await kit.WaitForEventAsync("pool", "Restored");
        output.WriteLine($"Event Restored: {restored.Message}");

        // Capacity first: V2 lost its replica only in samples where V1 was already back at its original replicas.
        var v2Released = samples.Where(s => s.V2Replicas == 0).ToList();
        Assert.NotEmpty(v2Released);
        Assert.All(v2Released, s => Assert.Equal(Total, s.V1Replicas));
        output.WriteLine($"{samples.Count} samples during the deletion; messages seen: {string.Join(" | ", samples.Select(s => s.Migration?.Status?.Message).OfType<string>().Distinct())}");
    }

    [Fact]
    public async Task DeletingACompletedMigrationLeavesV2ServingAndReleasesAtOnce()
    {
        var (kit, _) = await PoolWithRoutingAsync("delete-completed");
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={kit.Namespace}");
        var migration = RoutedMigration();
        migration.Spec.Stages = [Stages.Weighted("canary-25", 25, "1s"), Stages.Weighted("full", 100, "1s")];
        await kit.CreateAsync(migration);
        await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
        var routeBefore = await HttpRouteKit.WeightsAsync(kit, Route);
        var flagsBefore = await RolloutJsonAsync(kit);

        await DeleteAsync(kit);
        await WaitGoneAsync(kit);

        Assert.Equal(0, (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas);
        Assert.Equal(Total, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);
        Assert.Equal(new Dictionary<string, int> { ["pool-v1"] = 0, ["pool-v2"] = 100 }, routeBefore);
        Assert.Equal(routeBefore, await HttpRouteKit.WeightsAsync(kit, Route));
        Assert.Equal(flagsBefore, await RolloutJsonAsync(kit));
        Assert.Contains("\"v2Percent\":100", flagsBefore, StringComparison.Ordinal);
        var released = await kit.WaitForEventAsync("pool", "Released");
        Assert.Contains("V2 keeps serving", released.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOperatorKilledWhileRestoringIsReplacedByOneThatFinishesTheDeletion()
    {
        var (kit, previousJson) = await PoolWithRoutingAsync("delete-killed");
        var victim = OperatorProcess.Start(cluster.KubeconfigPath, $"Operator:Namespaces:0={kit.Namespace}");
        try
        {
            await kit.CreateAsync(RoutedMigration());
            await WaitAtQuarterAsync(kit);
            // Its fourth pod gone too: a ready pod left over from before the stage would let the restore finish at once.
            await cluster.WaitForAsync(async () => (await kit.ReadDeploymentAsync("pool-v1")) is { Spec.Replicas: Total - 1, Status.Replicas: Total - 1 }, Timeout,
                "V1 scaled down to 3 pods for the stage");

            // V1's pods stop passing readiness, so the deletion waits at its first step: V1 back and ready.
            cluster.Kubelet!.SetBehaviour(kit.Namespace, "pool-v1", PodBehaviour.NeverReady);
            await DeleteAsync(kit);
            var waiting = await kit.WaitForAsync("pool", m => m.Status?.Message?.StartsWith("Deleting: restoring V1 to 4 replicas", StringComparison.Ordinal) == true,
                Timeout, "the deletion waiting for V1");
            output.WriteLine($"while deleting: phase {waiting.Status!.Phase}, message {waiting.Status.Message}");
            Assert.Equal(Phases.Progressing, waiting.Status.Phase);
            Assert.NotNull(waiting.Metadata.DeletionTimestamp);
            Assert.Equal(Total, (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas);
            Assert.Equal(1, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);
            Assert.Equal(new Dictionary<string, int> { ["pool-v1"] = 75, ["pool-v2"] = 25 }, await HttpRouteKit.WeightsAsync(kit, Route));
        }
        finally
        {
            await victim.KillAsync();
            await victim.DisposeAsync();
        }

        cluster.Kubelet.SetBehaviour(kit.Namespace, "pool-v1", PodBehaviour.Ready);
        await using var successor = OperatorProcess.Start(cluster.KubeconfigPath, $"Operator:Namespaces:0={kit.Namespace}");
        await WaitGoneAsync(kit);

        Assert.Equal(Total, (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas);
        Assert.Equal(0, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);
        Assert.Equal(previousJson, await RolloutJsonAsync(kit));
        Assert.Equal(new Dictionary<string, int> { ["pool-v1"] = 100, ["pool-v2"] = 0 }, await HttpRouteKit.WeightsAsync(kit, Route));
        await kit.WaitForEventAsync("pool", "Restored");
    }

    /// <summary>A pool, a flags ConfigMap with an earlier rollout.json, and an HTTPRoute sending everything to V1.</summary>
    private async Task<(MigrationKit Kit, string PreviousJson)> PoolWithRoutingAsync(string prefix)
    {
        await HttpRouteKit.EnsureInstalledAsync(cluster);
        var ns = await cluster.CreateNamespaceAsync(prefix);
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", Total);
        var previous = $$"""{ "migration": "{{ns}}/older", "generation": 3, "v2Percent": 0, "shadowPercent": 0, "phase": "RolledBack", "overrides": {}, "updatedAt": "2026-01-01T00:00:00Z" }""";
        await kit.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = FlagsConfigMap },
            Data = new Dictionary<string, string> { ["rollout.json"] = previous, ["owner"] = "platform" },
        }, ns);
        await HttpRouteKit.CreateAsync(kit, Route, "pool-v1", 100, "pool-v2", 0);
        return (kit, previous);
    }

    private static PoolMigration RoutedMigration()
    {
        var migration = MigrationKit.Migration("pool", Stages.Weighted("canary-25", 25, "10m"), Stages.Weighted("full", 100));
        migration.Spec.TrafficRouting = new TrafficRoutingSpec
        {
            Flags = new FlagsRouting { ConfigMap = FlagsConfigMap },
            GatewayApi = new GatewayApiRouting { HttpRoute = Route, V1Service = "pool-v1", V2Service = "pool-v2" },
        };
        return migration;
    }

    private static Task<PoolMigration> WaitAtQuarterAsync(MigrationKit kit) =>
        kit.WaitForAsync("pool", m => m.Status is { Phase: Phases.Progressing, StageName: "canary-25", Weight: 25, StageReadyAt: not null }, Timeout, "canary-25 at 25% with its capacity");

    private static Task DeleteAsync(MigrationKit kit) =>
        kit.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(PoolMigration.Group, PoolMigration.Version, kit.Namespace, PoolMigration.Plural, "pool");

    private Task WaitGoneAsync(MigrationKit kit) =>
        cluster.WaitForAsync(async () =>
        {
            try
            {
                await kit.GetAsync("pool");
                return false;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return true;
            }
        }, Timeout, "the migration gone");

    private static async Task<string?> RolloutJsonAsync(MigrationKit kit)
    {
        var configMap = await kit.Client.CoreV1.ReadNamespacedConfigMapAsync(FlagsConfigMap, kit.Namespace);
        return configMap.Data?.TryGetValue("rollout.json", out var json) == true ? json : null;
    }
}
