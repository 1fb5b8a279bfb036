using System.Diagnostics;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator;

[Collection(ClusterCollection.Name)]
public sealed class FirstStatusTests(ClusterFixture cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task ANewMigrationGetsItsFirstStatusWithinSeconds()
    {
        var ns = await cluster.CreateNamespaceAsync("first-status");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", 4);
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");

        var created = Stopwatch.StartNew();
        await kit.CreateAsync(MigrationKit.Migration("pool"));
        // The watch brings the new migration in at once; the bound is several times what a loaded machine needs and far
        // below the 5 min requeue.
        var migration = await kit.WaitForAsync("pool", m => m.Status?.ObservedGeneration == 1 && m.Status.Phase is not null, TimeSpan.FromSeconds(5), "first status");
        output.WriteLine($"first status after {created.ElapsedMilliseconds} ms (bound 5 s): {migration.Status!.Phase}");

        Assert.Equal(4, migration.Status.Original?.V1.Replicas);
        Assert.Contains(migration.Status.Phase, new[] { Phases.Initializing, Phases.Progressing });
    }

    [Fact]
    public async Task AMigrationRunsToCompletedAndScalesV1ToZero()
    {
        var ns = await cluster.CreateNamespaceAsync("complete");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", 4);
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");

        await kit.CreateAsync(MigrationKit.Migration("pool"));
        var done = await kit.WaitForPhaseAsync("pool", Phases.Completed, TimeSpan.FromSeconds(60));

        Assert.Equal(0, (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas);
        Assert.Equal(4, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);
        Assert.Equal(100, done.Status!.Weight);
        var stageEvents = (await kit.EventsAsync("pool")).Where(e => e.Reason == "StageStarted").Select(e => e.Message).ToList();
        Assert.Equal(2, stageEvents.Count);
    }
}
