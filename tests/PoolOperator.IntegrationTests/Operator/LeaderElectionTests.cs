using System.Diagnostics;
using k8s;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>Two operator replicas: one leads and reconciles, the other stands by and takes over when the leader goes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LeaderElectionTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const string LeaseName = "pool-operator-leader";
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task OnlyTheLeaderReconcilesAndTheStandbyFinishesTheMigrationAfterAGracefulStop()
    {
        var ns = await cluster.CreateNamespaceAsync("leader-graceful");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", 4);
        await using var a = await OperatorInstance.StartAsync(cluster.ClientConfig, leaderElection: true, Settings(ns, "a"));
        await cluster.WaitForAsync(() => Task.FromResult(a.Election.IsLeader), TimeSpan.FromSeconds(30), "a to lead");
        await using var b = await OperatorInstance.StartAsync(cluster.ClientConfig, leaderElection: true, Settings(ns, "b"));
        await cluster.WaitForAsync(() => Task.FromResult(b.Election.CurrentLeader == "a"), TimeSpan.FromSeconds(30), "b to see a leading");

        using var sampling = new CancellationTokenSource();
        var bothLeading = 0;
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                if (a.Election.IsLeader && b.Election.IsLeader)
                {
                    Interlocked.Increment(ref bothLeading);
                }

                await Task.Delay(5, CancellationToken.None);
            }
        });

        await kit.CreateAsync(SlowMigration());
        await kit.WaitForAsync("pool", m => m.Status?.StageName == "canary-25" && m.Status.StageReadyAt is not null, TimeSpan.FromSeconds(60), "mid-stage canary-25");
        output.WriteLine($"while a leads: a started {a.ReconcilesStarted} reconciles, b {b.ReconcilesStarted}");
        Assert.True(a.ReconcilesStarted > 0);
        Assert.Equal(0, b.ReconcilesStarted);
        Assert.False(b.Election.IsLeader);

        var stop = Stopwatch.StartNew();
        await a.StopAsync();
        var stopped = stop.Elapsed;
        var reconcilesOfA = a.ReconcilesStarted;
        await cluster.WaitForAsync(() => Task.FromResult(b.Election.IsLeader), TimeSpan.FromSeconds(30), "b to lead");
        var takeover = stop.Elapsed;
        output.WriteLine($"a stopped in {stopped.TotalMilliseconds:F0} ms; b leads {takeover.TotalMilliseconds:F0} ms after the stop began");

        var done = await kit.WaitForPhaseAsync("pool", Phases.Completed, TimeSpan.FromSeconds(60));
        await sampling.CancelAsync();
        await sampler;
        output.WriteLine($"completed; b started {b.ReconcilesStarted} reconciles, a none after its stop ({reconcilesOfA} in all)");

        // The released Lease lets b in at its next retry, well before a 4 s lease would have expired.
        Assert.True(takeover < LeaseDuration, $"b took over after {takeover.TotalMilliseconds:F0} ms (bound {LeaseDuration.TotalMilliseconds} ms)");
        Assert.True(b.ReconcilesStarted > 0);
        Assert.Equal(reconcilesOfA, a.ReconcilesStarted);
        Assert.Equal(0, bothLeading);
        Assert.Equal(100, done.Status!.Weight);
        Assert.Equal("b", (await cluster.Client.CoordinationV1.ReadNamespacedLeaseAsync(LeaseName, ns)).Spec.HolderIdentity);
    }

    [Fact]
    public async Task WhenTheLeaderIsKilledTheStandbyTakesOverWithinTheLeaseDurationAndFinishesTheMigration()
    {
        var ns = await cluster.CreateNamespaceAsync("leader-killed");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", 4);
        await using var a = OperatorProcess.Start(cluster.KubeconfigPath, ["Operator:LeaderElection=true", .. Settings(ns, "a")]);
        await cluster.WaitForAsync(async () => await HolderAsync(ns) == "a", TimeSpan.FromSeconds(60), "process a to lead");
        await using var b = OperatorProcess.Start(cluster.KubeconfigPath, ["Operator:LeaderElection=true", .. Settings(ns, "b")]);
        await cluster.WaitForAsync(() => Task.FromResult(b.Output.Contains("is held by a", StringComparison.Ordinal)), TimeSpan.FromSeconds(60),
            "process b to see a leading");

        await kit.CreateAsync(SlowMigration());
        await kit.WaitForAsync("pool", m => m.Status?.StageName == "canary-25" && m.Status.StageReadyAt is not null, TimeSpan.FromSeconds(60), "mid-stage canary-25");

        // SIGKILL: a never releases the Lease, so b must wait for it to expire.
        var kill = Stopwatch.StartNew();
        await a.KillAsync();
        await cluster.WaitForAsync(async () => await HolderAsync(ns) == "b", TimeSpan.FromSeconds(30), "process b to take the Lease");
        var takeover = kill.Elapsed;
        output.WriteLine($"a killed; b holds the Lease {takeover.TotalMilliseconds:F0} ms later (lease {LeaseDuration.TotalSeconds} s, retry {RetryPeriod.TotalMilliseconds} ms)");

        var done = await kit.WaitForPhaseAsync("pool", Phases.Completed, TimeSpan.FromSeconds(60));
        output.WriteLine($"completed {kill.Elapsed.TotalSeconds:F1} s after the kill");

        // b must wait out the lease; what comes after it (seeing the last renewal up to one retry late, the next retry,
        // the write) is a few hundred ms, and the bound allows several times that for a loaded machine.
        var bound = LeaseDuration + TimeSpan.FromSeconds(3);
        Assert.True(takeover < bound, $"b took over after {takeover.TotalMilliseconds:F0} ms (bound {bound.TotalMilliseconds} ms)");
        Assert.Equal(100, done.Status!.Weight);
        Assert.Equal(0, (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas);
    }

    private static string[] Settings(string ns, string identity) =>
    [
        $"Operator:Namespaces:0={ns}",
        $"Operator:LeaseNamespace={ns}",
        $"Operator:Identity={identity}",
        "Operator:LeaseDuration=00:00:04",
        "Operator:RenewDeadline=00:00:03",
        "Operator:RetryPeriod=00:00:00.500",
    ];

    /// <summary>Three stages of a few seconds each, so the migration is still running when the leader goes.</summary>
    private static PoolMigration SlowMigration() => MigrationKit.Migration("pool",
        new MigrationStage { Name = "canary-25", Weight = 25, Duration = "3s" },
        new MigrationStage { Name = "half", Weight = 50, Duration = "3s" },
        new MigrationStage { Name = "full", Weight = 100, Duration = "1s" });

    private async Task<string?> HolderAsync(string ns)
    {
        try
        {
            return (await cluster.Client.CoordinationV1.ReadNamespacedLeaseAsync(LeaseName, ns)).Spec.HolderIdentity;
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
