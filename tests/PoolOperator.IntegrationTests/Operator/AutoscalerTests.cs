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
        Assert.Equal((4, 12), await hpas.BoundsAsync("pool-v2"));
        Assert.Equal((4, 12), await hpas.BoundsAsync("pool-v1"));
        await cluster.WaitForAsync(async () => (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas == 4, Timeout, "V2 scaled by its HPA to its new floor of 4");

        // V1's replicas changed only as its autoscaler chose, then to zero once the rollback window passed; V2 was
        // switched on from zero at its floor, and from then on moved only as its autoscaler chose.
        Assert.Equal([5, 0], ReplicaHistory(recorder, "pool-v1"));
        Assert.Equal([0, 2, 3, 4], ReplicaHistory(recorder, "pool-v2"));
        Assert.Contains(("pool-v2", 3), hpas.Writes);
        Assert.Contains(("pool-v2", 4), hpas.Writes);
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
        await cluster.WaitForAsync(async () => (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas == 0, Timeout, "V2 switched off again, as it was");

        Assert.Equal((4, 12), await hpas.BoundsAsync("pool-v1"));
        Assert.Equal([5], ReplicaHistory(recorder, "pool-v1"));
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
        Assert.Equal(0, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);
        Assert.Equal([5], ReplicaHistory(recorder, "pool-v1"));
    }

    [Fact]
    public async Task AnHpaOnV1AloneIsInvalidAndNothingIsTouched()
    {
        var ns = await cluster.CreateNamespaceAsync("hpa-invalid");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", 4);
        await using var hpas = await AutoscalerStandIn.StartAsync(kit.Client, ns);
        await hpas.CreateAsync("pool-v1", "pool-v1", 4, 12);
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");
        await kit.CreateAsync(MigrationKit.Migration("pool"));

        var invalid = await kit.WaitForPhaseAsync("pool", Phases.Invalid, Timeout);
        output.WriteLine(invalid.Status!.Message);
        Assert.Contains("spec.v2.deployment: V1 Deployment \"pool-v1\" is scaled by HorizontalPodAutoscaler pool-v1 but V2 Deployment \"pool-v2\" has none", invalid.Status.Message, StringComparison.Ordinal);
        Assert.Contains(await kit.EventsAsync("pool"), e => e.Reason == "InvalidSpec" && e.Type == "Warning");
        Assert.Equal((4, 12), await hpas.BoundsAsync("pool-v1"));
        Assert.Equal(0, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);
    }

    /// <summary>
    /// V1 with 4 ready pods and an HPA (4..12) whose load asks for 5; V2 at zero with an HPA (1..3) whose load asks for 3;
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
        await hpas.CreateAsync("pool-v2", "pool-v2", 1, 3);
        hpas.Load("pool-v1", 5);
        hpas.Load("pool-v2", 3);
        await cluster.WaitForAsync(async () => (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas == 5, Timeout, "V1 at the 5 replicas its autoscaler chose");
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

    /// <summary>The successive spec.replicas of one Deployment, as the watch delivered them, repeats collapsed.</summary>
    private static List<int> ReplicaHistory(WatchRecorder<V1Deployment> recorder, string deployment)
    {
        var history = new List<int>();
        foreach (var seen in recorder.Observations.Where(o => o.Object.Name() == deployment))
        {
            var replicas = seen.Object.Spec?.Replicas ?? 1;
            if (history.Count == 0 || history[^1] != replicas)
            {
                history.Add(replicas);
            }
        }

        return history;
    }
}
