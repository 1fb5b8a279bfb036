using System.Diagnostics;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.LocalCluster;
using PoolOperator.Runtime.Informers;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>The operator reacts to the cluster through its watches, not by polling.</summary>
[Collection(ClusterCollection.Name)]
public sealed class WatchTriggeredReconcileTests(ClusterFixture cluster, ITestOutputHelper output)
{
    [LocalControlPlaneFact]
    public async Task V2BecomingReadyReachesTheMigrationStatusThroughTheWatch()
    {
        var ns = await cluster.CreateNamespaceAsync("watch-ready");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", 4, PodBehaviour.NeverReady);
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");

        // Nothing in this migration is timed within the test: a 10 min stage, a 10 min analysis interval and
        // progress deadline, so every reconcile during the test must have been caused by a watch event.
        var migration = MigrationKit.Migration("pool",
            new MigrationStage { Name = "canary-25", Weight = 25, Duration = "10m" },
            new MigrationStage { Name = "full", Weight = 100, Duration = "10m" });
        migration.Spec.Analysis = new AnalysisSpec { Interval = "10m" };
        migration.Spec.ProgressDeadlineSeconds = 600;
        await kit.CreateAsync(migration);
        await kit.WaitForAsync("pool", m => m.Status?.V2?.Replicas == 1 && m.Status.StageReadyAt is null, TimeSpan.FromSeconds(60),
            "V2 scaled to 1 and waiting for it to be ready");
        await cluster.WaitForAsync(async () => (await kit.ReadDeploymentAsync("pool-v2")).Status?.Replicas == 1,
            TimeSpan.FromSeconds(30), "the V2 pod exists");

        var quiet = await WaitUntilQuietAsync(instance, TimeSpan.FromSeconds(2));
        output.WriteLine($"no reconcile for {quiet.TotalSeconds:F1} s before the switch ({instance.ReconcilesStarted} so far)");

        var clock = Stopwatch.StartNew();
        await using var deployments = await WatchRecorder<V1Deployment>.StartAsync(ResourceSources.Deployments(cluster.Client), ns, clock);
        await using var migrations = await WatchRecorder<PoolMigration>.StartAsync(
            ResourceSources.CustomResource<PoolMigration>(cluster.Client, PoolMigration.Group, PoolMigration.Version, PoolMigration.Plural), ns, clock);
        var reconcilesBefore = instance.ReconcilesStarted;
        var switchedAt = clock.Elapsed;
        cluster.Kubelet!.SetBehaviour(ns, "pool-v2", PodBehaviour.Ready);

        await cluster.WaitForAsync(() => Task.FromResult(migrations.First(m => m.Status?.StageReadyAt is not null, switchedAt) is not null),
            TimeSpan.FromSeconds(30), "the stage to become ready");
        var ready = deployments.First(d => d.Metadata.Name == "pool-v2" && d.Status?.ReadyReplicas >= 1, switchedAt)!;
        var reflected = migrations.First(m => m.Status?.V2?.ReadyReplicas >= 1, switchedAt)!;
        var stageReady = migrations.First(m => m.Status?.StageReadyAt is not null, switchedAt)!;
        var latency = reflected.At - ready.At;
        output.WriteLine($"kubelet switched at {switchedAt.TotalMilliseconds:F0} ms; pool-v2 readyReplicas=1 seen at {ready.At.TotalMilliseconds:F0} ms");
        output.WriteLine($"status.v2.readyReplicas=1 (weight {reflected.Object.Status!.Weight}) {latency.TotalMilliseconds:F0} ms later; " +
                         $"stageReadyAt (after V1 scaled to 3) {(stageReady.At - ready.At).TotalMilliseconds:F0} ms later; " +
                         $"{instance.ReconcilesStarted - reconcilesBefore} reconciles; load per core {MachineLoad.PerCore():F1}");

        // Far below the 10 min intervals and the 5 min requeue, the only other ways a reconcile could come.
        var bound = TimeSpan.FromSeconds(5);
        Assert.True(latency < bound, $"the readiness change took {latency.TotalMilliseconds:F0} ms to reach the status (bound {bound.TotalMilliseconds} ms)");
        Assert.Equal(25, reflected.Object.Status.Weight);
        Assert.Equal("canary-25", stageReady.Object.Status!.StageName);
    }

    /// <summary>Waits until no reconcile has started for <paramref name="window"/>; returns how long that was.</summary>
    private async Task<TimeSpan> WaitUntilQuietAsync(OperatorInstance instance, TimeSpan window)
    {
        var count = instance.ReconcilesStarted;
        var since = Stopwatch.StartNew();
        await cluster.WaitForAsync(() =>
        {
            var now = instance.ReconcilesStarted;
            if (now != count)
            {
                count = now;
                since.Restart();
            }

            return Task.FromResult(since.Elapsed >= window);
        }, TimeSpan.FromSeconds(60), $"no reconcile for {window.TotalSeconds} s");
        return since.Elapsed;
    }
}
