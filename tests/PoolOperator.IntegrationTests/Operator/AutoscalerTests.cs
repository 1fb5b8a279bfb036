using System.Diagnostics;
using k8s;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.Runtime.Informers;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// Pools scaled by real HorizontalPodAutoscaler objects (autoscaling/v2 where served, v2beta2 on 1.20). The HPA controller
/// does not run here: <see cref="AutoscalerStandIn"/> plays it, moving each Deployment within its HPA's bounds as the load
/// asks, and every test checks that the operator moved only the bounds and never undid the autoscaler's choice.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class AutoscalerTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task StagesMoveTheHpaBoundsAndCompletionHandsV2TheOriginalBoundsWithoutEverUndoingTheAutoscaler()
    {
        var (kit, hpas, deployments) = await StartPoolAsync("hpa-complete");
        await using var standIn = hpas;
        await using var recorder = deployments;
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={kit.Namespace}");
        var migration = MigrationKit.Migration("pool", Stages.Weighted("half", 50, "4s"), Stages.Weighted("full", 100, "1s"));
        migration.Spec.Completion = new CompletionSpec { RollbackWindowSeconds = 2 };
        await kit.CreateAsync(migration);

        var half = await WaitAtHalfAsync(kit, hpas);
        var original = half.Status!.Original!;
        Assert.Equal(4, original.Replicas);
        Assert.Equal(("pool-v1", 4, 12), (original.V1.Autoscaler!.Name, original.V1.Autoscaler.MinReplicas, original.V1.Autoscaler.MaxReplicas));
        Assert.Equal(("pool-v2", 1, 3), (original.V2.Autoscaler!.Name, original.V2.Autoscaler.MinReplicas, original.V2.Autoscaler.MaxReplicas));

        var done = await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
        output.WriteLine($"completed: {done.Status!.Message}");
        Assert.EndsWith("V1 kept at 1 replica by its HorizontalPodAutoscaler (bounds 1..1: an HPA cannot hold 0)", done.Status.Message, StringComparison.Ordinal);
        Assert.Equal((4, 12), await hpas.BoundsAsync("pool-v2"));
        Assert.Equal((1, 1), await hpas.BoundsAsync("pool-v1"));
        await cluster.WaitForAsync(async () => (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas == 4, Timeout, "V2 scaled by its HPA to its new floor of 4");
        await cluster.WaitForAsync(async () => (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas == 1, Timeout, "V1 scaled by its HPA to its retired 1");

        // Each Deployment's replicas changed only as its autoscaler chose, V1 to 1 once the rollback window passed.
        await AssertOnlyTheAutoscalerScaled(recorder, hpas, "pool-v1", [5, 1]);
        await AssertOnlyTheAutoscalerScaled(recorder, hpas, "pool-v2", [3, 4]);
    }

    [Fact]
    public async Task AbortRestoresBothHpasOriginalBoundsAndLeavesV1AsTheAutoscalerSetIt()
    {
        var (kit, hpas, deployments) = await StartPoolAsync("hpa-abort");
        await using var standIn = hpas;
        await using var recorder = deployments;
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={kit.Namespace}");
        await kit.CreateAsync(MigrationKit.Migration("pool", Stages.Weighted("half", 50, "10m"), Stages.Weighted("full", 100)));
        await WaitAtHalfAsync(kit, hpas);

        await kit.AnnotateAsync("pool", ActionAnnotations.Abort, "abort-1");
        await kit.WaitForPhaseAsync("pool", Phases.RolledBack, Timeout);
        await cluster.WaitForAsync(async () => await hpas.BoundsAsync("pool-v2") == (1, 3), Timeout, "V2's HPA back at 1..3 once drained");

        Assert.Equal((4, 12), await hpas.BoundsAsync("pool-v1"));
        await AssertOnlyTheAutoscalerScaled(recorder, hpas, "pool-v1", [5]);
        await AssertOnlyTheAutoscalerScaled(recorder, hpas, "pool-v2", [3]);
    }

    [Fact]
    public async Task DeletingAMigrationMidWayRestoresTheOriginalBoundsBeforeItGoes()
    {
        var (kit, hpas, deployments) = await StartPoolAsync("hpa-delete");
        await using var standIn = hpas;
        await using var recorder = deployments;
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={kit.Namespace}");
        await kit.CreateAsync(MigrationKit.Migration("pool", Stages.Weighted("half", 50, "10m"), Stages.Weighted("full", 100)));
        await WaitAtHalfAsync(kit, hpas);

        await kit.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(PoolMigration.Group, PoolMigration.Version, kit.Namespace, PoolMigration.Plural, "pool");
        await cluster.WaitForAsync(async () =>
        {
            var list = await kit.Client.CustomObjects.ListNamespacedCustomObjectAsync<PoolMigrationList>(PoolMigration.Group, PoolMigration.Version, kit.Namespace, PoolMigration.Plural);
            return list.Items.Count == 0;
        }, Timeout, "the migration is gone");

        Assert.Equal((4, 12), await hpas.BoundsAsync("pool-v1"));
        Assert.Equal((1, 3), await hpas.BoundsAsync("pool-v2"));
        await AssertOnlyTheAutoscalerScaled(recorder, hpas, "pool-v1", [5]);
        await AssertOnlyTheAutoscalerScaled(recorder, hpas, "pool-v2", [3]);
    }

    [Fact]
    public async Task AV2AtZeroUnderAnHpaIsInvalidAndNothingIsTouched()
    {
        var ns = await cluster.CreateNamespaceAsync("hpa-invalid");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", 4);
        await using var hpas = await AutoscalerStandIn.StartAsync(kit.Client, ns);
        await hpas.CreateAsync("pool-v1", "pool-v1", 4, 12);
        await hpas.CreateAsync("pool-v2", "pool-v2", 2, 6);
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");
        await kit.CreateAsync(MigrationKit.Migration("pool"));

        var invalid = await kit.WaitForPhaseAsync("pool", Phases.Invalid, Timeout);
        output.WriteLine(invalid.Status!.Message);
        Assert.Contains("spec.v2.deployment: V2 Deployment \"pool-v2\" stands at 0 replicas and HorizontalPodAutoscaler pool-v2 scales it", invalid.Status.Message, StringComparison.Ordinal);
        Assert.Contains("give V2 at least the HPA's minReplicas (2), or leave spec.replicas out of its manifest", invalid.Status.Message, StringComparison.Ordinal);
        Assert.Contains(await kit.EventsAsync("pool"), e => e.Reason == "InvalidSpec" && e.Type == "Warning");
        Assert.Equal((4, 12), await hpas.BoundsAsync("pool-v1"));
        Assert.Equal((2, 6), await hpas.BoundsAsync("pool-v2"));
        Assert.Equal(0, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);
    }

    [Fact]
    public async Task WithAnHpaOnV1OnlyV2TakesTheStagesShareOfV1sSizeAndV1sHpaIsRetiredAtOne()
    {
        var ns = await cluster.CreateNamespaceAsync("hpa-v1-only");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", 4);
        await using var hpas = await AutoscalerStandIn.StartAsync(kit.Client, ns);
        await hpas.CreateAsync("pool-v1", "pool-v1", 4, 12);
        hpas.Load("pool-v1", 6);
        await cluster.WaitForAsync(async () => (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas == 6, Timeout, "V1 at the 6 replicas its autoscaler chose");
        await using var recorder = await WatchRecorder<V1Deployment>.StartAsync(ResourceSources.Deployments(kit.Client), ns, Stopwatch.StartNew());
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");
        var migration = MigrationKit.Migration("pool", Stages.Weighted("half", 50, "4s"), Stages.Weighted("full", 100, "1s"));
        migration.Spec.Completion = new CompletionSpec { RollbackWindowSeconds = 2 };
        await kit.CreateAsync(migration);

        // Half of the 6 V1's HPA had chosen goes to V2; V1's HPA keeps the rest of 4..12 and scales within it.
        await kit.WaitForAsync("pool", m => m.Status?.StageName == "half" && m.Status.Weight == 50 && m.Status.StageReadyAt is not null, Timeout, "stage half in place");
        await cluster.WaitForAsync(async () => await hpas.BoundsAsync("pool-v1") == (2, 6), Timeout, "V1's HPA at half's share, 2..6");
        Assert.Equal(3, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);
        hpas.Load("pool-v1", 4);
        await cluster.WaitForAsync(async () => (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas == 4, Timeout, "V1 at the 4 its autoscaler chose as load fell");

        var done = await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
        output.WriteLine($"completed: {done.Status!.Message}");
        Assert.Equal(6, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);
        Assert.Equal((1, 1), await hpas.BoundsAsync("pool-v1"));
        await cluster.WaitForAsync(async () => (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas == 1, Timeout, "V1 scaled by its HPA to its retired 1");
        await AssertOnlyTheAutoscalerScaled(recorder, hpas, "pool-v1", [6, 4, 1]);
    }

    [Fact]
    public async Task WithAnHpaOnV2OnlyItsFloorFollowsTheStagesAndCarriesV1sReplicasAtCompletion()
    {
        var ns = await cluster.CreateNamespaceAsync("hpa-v2-only");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", 4);
        await kit.Client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch(new { spec = new { replicas = 1 } }, V1Patch.PatchType.MergePatch), "pool-v2", ns);
        await using var hpas = await AutoscalerStandIn.StartAsync(kit.Client, ns);
        await hpas.CreateAsync("pool-v2", "pool-v2", 1, 3);
        await using var recorder = await WatchRecorder<V1Deployment>.StartAsync(ResourceSources.Deployments(kit.Client), ns, Stopwatch.StartNew());
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");
        var migration = MigrationKit.Migration("pool", Stages.Weighted("half", 50, "4s"), Stages.Weighted("full", 100, "1s"));
        migration.Spec.Completion = new CompletionSpec { RollbackWindowSeconds = 2 };
        await kit.CreateAsync(migration);

        // Half of V1's 4: V2's HPA floor 2, its own ceiling 3; its load asks for 3 and gets it.
        await cluster.WaitForAsync(async () => await hpas.BoundsAsync("pool-v2") == (2, 3), Timeout, "V2's HPA at half's share, 2..3");
        await cluster.WaitForAsync(async () => (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas == 2, Timeout, "V2 scaled by its HPA to its new floor of 2");
        hpas.Load("pool-v2", 3);
        await kit.WaitForAsync("pool", m => m.Status?.StageName == "half" && m.Status.Weight == 50 && m.Status.StageReadyAt is not null, Timeout, "stage half in place");
        await cluster.WaitForAsync(async () => (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas == 3, Timeout, "V2 at the 3 its autoscaler chose");

        var done = await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
        output.WriteLine($"completed: {done.Status!.Message}");
        Assert.Equal((4, 4), await hpas.BoundsAsync("pool-v2"));
        Assert.Equal(0, (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas);
        await cluster.WaitForAsync(async () => (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas == 4, Timeout, "V2 scaled by its HPA to V1's 4");
        await AssertOnlyTheAutoscalerScaled(recorder, hpas, "pool-v2", [1, 2, 3, 4]);
    }

    /// <summary>
    /// V1 with 4 ready pods and an HPA (4..12) whose load asks for 5; V2 deployed at 1 with an HPA (1..3) whose load asks for 3;
    /// a recorder of every Deployment version from the moment V1 stands at its autoscaler's 5.
    /// </summary>
    private async Task<(MigrationKit Kit, AutoscalerStandIn Hpas, WatchRecorder<V1Deployment> Deployments)> StartPoolAsync(string prefix)
    {
        var ns = await cluster.CreateNamespaceAsync(prefix);
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", 4);
        var hpas = await AutoscalerStandIn.StartAsync(kit.Client, ns);
        output.WriteLine($"HPAs served as autoscaling/{hpas.Version}");
        await hpas.CreateAsync("pool-v1", "pool-v1", 4, 12);
        await kit.Client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch(new { spec = new { replicas = 1 } }, V1Patch.PatchType.MergePatch), "pool-v2", ns);
        await hpas.CreateAsync("pool-v2", "pool-v2", 1, 3);
        hpas.Load("pool-v1", 5);
        hpas.Load("pool-v2", 3);
        await cluster.WaitForAsync(async () => (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas == 5, Timeout, "V1 at the 5 replicas its autoscaler chose");
        await cluster.WaitForAsync(async () => (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas == 3, Timeout, "V2 at the 3 replicas its autoscaler chose");
        var recorder = await WatchRecorder<V1Deployment>.StartAsync(ResourceSources.Deployments(kit.Client), ns, Stopwatch.StartNew());
        return (kit, hpas, recorder);
    }

    /// <summary>Waits until stage half has its traffic and both HPAs stand at half's share of V1's original 4..12.</summary>
    private async Task<PoolMigration> WaitAtHalfAsync(MigrationKit kit, AutoscalerStandIn hpas)
    {
        var half = await kit.WaitForAsync("pool", m => m.Status?.StageName == "half" && m.Status.Weight == 50 && m.Status.StageReadyAt is not null, Timeout, "stage half in place");
        await cluster.WaitForAsync(async () => await hpas.BoundsAsync("pool-v1") == (2, 6) && await hpas.BoundsAsync("pool-v2") == (2, 6), Timeout, "both HPAs at half's share, 2..6");
        return half;
    }

    /// <summary>The Deployment's replicas went through <paramref name="expected"/>, and every change was the autoscaler's.</summary>
    private async Task AssertOnlyTheAutoscalerScaled(WatchRecorder<V1Deployment> recorder, AutoscalerStandIn hpas, string deployment, int[] expected)
    {
        // A read can see the last scale before the watch delivers it.
        await cluster.WaitForAsync(() => Task.FromResult(DeploymentHistory.SpecReplicas(recorder.Observations, deployment) is [.., var last] && last == expected[^1]), Timeout,
            $"the watch to deliver {deployment} at {expected[^1]} replicas");
        var history = DeploymentHistory.SpecReplicas(recorder.Observations, deployment);
        Assert.Equal(expected, history);
        var byAutoscaler = hpas.Writes.Where(w => w.Deployment == deployment).Select(w => w.Replicas).ToList();
        Assert.All(history.Skip(1), replicas => Assert.Contains(replicas, byAutoscaler));
    }
}
