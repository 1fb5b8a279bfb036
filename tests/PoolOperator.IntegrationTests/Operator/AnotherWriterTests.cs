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
/// Another writer of a pool's replicas (a person's <c>kubectl scale</c>): the operator takes the field back, and ready
/// capacity holds meanwhile, also when the write lands while no operator runs and the stage ends in the same gap.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class AnotherWriterTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const int Total = 4;
    private static readonly TimeSpan QuarterDuration = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task ReplicasAddedWhileNoOperatorRanAreTakenBackToTheNextStageWithoutReadyCapacityDropping()
    {
        var ns = await cluster.CreateNamespaceAsync("another-writer");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", Total);
        var clock = Stopwatch.StartNew();
        await using var deployments = await WatchRecorder<V1Deployment>.StartAsync(ResourceSources.Deployments(cluster.Client), ns, clock);

        PoolMigration quarterReady;
        var first = OperatorProcess.Start(cluster.KubeconfigPath, $"Operator:Namespaces:0={ns}");
        try
        {
            await kit.CreateAsync(MigrationKit.Migration("pool",
                new MigrationStage { Name = "quarter", Weight = 25, Duration = $"{QuarterDuration.TotalSeconds:0}s" },
                new MigrationStage { Name = "half", Weight = 50, Duration = "1s" },
                new MigrationStage { Name = "full", Weight = 100, Duration = "1s" }));
            quarterReady = await kit.WaitForAsync("pool", m => m.Status is { StageName: "quarter", StageReadyAt: not null }, TimeSpan.FromSeconds(60),
                "stage quarter to have its capacity and traffic in place");
            await first.KillAsync();
        }
        finally
        {
            await first.DisposeAsync();
        }

        // kubectl scale while no operator runs: V2 gets two more pods, which become ready.
        await cluster.Client.AppsV1.PatchNamespacedDeploymentScaleAsync(
            new V1Patch(new { spec = new { replicas = 3 } }, V1Patch.PatchType.MergePatch), "pool-v2", ns, fieldManager: "kubectl-scale");
        await cluster.WaitForAsync(async () => (await kit.ReadDeploymentAsync("pool-v2")).Status?.ReadyReplicas == 3, TimeSpan.FromSeconds(30),
            "pool-v2 has the 3 ready replicas the other writer asked for");

        // The stage's duration is the test's input: it runs out while no operator runs, so the next operator's first
        // round both passes the stage and finds the extra pods.
        var stageLeft = quarterReady.Status!.StageReadyAt!.Value + QuarterDuration + TimeSpan.FromMilliseconds(500) - DateTime.UtcNow;
        if (stageLeft > TimeSpan.Zero)
        {
            await Task.Delay(stageLeft);
        }

        await using (OperatorProcess.Start(cluster.KubeconfigPath, $"Operator:Namespaces:0={ns}"))
        {
            await kit.WaitForPhaseAsync("pool", Phases.Completed, TimeSpan.FromSeconds(90));
        }

        // A read can see the last scale before the watch delivers it.
        await cluster.WaitForAsync(() => Task.FromResult(deployments.Observations.Any(o => o.Object.Metadata.Name == "pool-v2" && o.Object.Status?.ReadyReplicas == Total)),
            TimeSpan.FromSeconds(30), $"the watch to deliver pool-v2 with {Total} ready replicas");
        var v2Replicas = DeploymentHistory.SpecReplicas(deployments.Observations, "pool-v2");
        var fromTheWrite = v2Replicas.Skip(v2Replicas.IndexOf(3)).ToList();
        output.WriteLine($"pool-v2 spec.replicas: {string.Join(" -> ", v2Replicas)}");
        var (lowest, lowestAt) = DeploymentHistory.LowestReadyCapacity(deployments.Observations, "pool-v1", "pool-v2");
        output.WriteLine($"{deployments.Observations.Count} Deployment versions watched; lowest ready capacity {lowest} at {lowestAt}");

        // Taken back to the next stage's 2, never to the passed stage's 1 and straight up again.
        Assert.Equal([3, 2, Total], fromTheWrite);
        Assert.True(lowest >= Total, $"ready capacity dropped to {lowest} at {lowestAt}");
    }
}
