using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.LocalCluster;
using PoolOperator.Observation;
using PoolOperator.Runtime;
using PoolOperator.Runtime.Informers;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// The reconciler reads from caches: a round that changes nothing makes no API request, and only the pods of the
/// pools under migration are cached.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CacheReadTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const int Total = 4;
    private const int ForcedReconciles = 20;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AMigrationWaitingAtAGateIsReconciledWithoutASingleApiRequest()
    {
        var ns = await cluster.CreateNamespaceAsync("noop-gate");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", Total);
        var counter = new RequestCounter();
        await using var instance = await OperatorInstance.StartWithAsync(
            cluster.ClientConfig,
            builder => builder.Services.AddSingleton<IKubernetes>(new Kubernetes(cluster.ClientConfig, counter)),
            $"Operator:Namespaces:0={ns}");
        var migration = MigrationKit.Migration("pool", Stages.Weighted("canary-25", 25, "1s", approval: true), Stages.Weighted("full", 100));
        migration.Spec.Analysis = new AnalysisSpec { Interval = "1s" };
        await kit.CreateAsync(migration);
        var gated = await kit.WaitForAsync("pool", m => m.Status?.Phase == Phases.AwaitingApproval, Timeout, "waiting at the canary-25 gate");

        // Deployment controllers and the kubelet finish their writes, each of which wakes the migration once more.
        await WaitForQuietAsync(counter, TimeSpan.FromSeconds(3));
        var requestsBefore = counter.Count;
        var reconcilesBefore = instance.ReconcilesStarted;
        var statusBefore = (await kit.GetAsync("pool")).Metadata.ResourceVersion;

        var controller = instance.Services.GetRequiredService<Controller<NamespacedName>>();
        for (var i = 0; i < ForcedReconciles; i++)
        {
            var started = instance.ReconcilesStarted;
            controller.Queue.Add(new NamespacedName(ns, "pool"));
            await cluster.WaitForAsync(() => Task.FromResult(instance.ReconcilesStarted > started && controller.Loop.ActiveReconciles == 0), Timeout, "a forced reconcile done");
        }

        // Several analysis intervals more: the rounds the analysis schedule asks for change nothing either.
        var hold = Stopwatch.StartNew();
        await Hold.ForAsync(TimeSpan.FromSeconds(4), () => Task.FromResult(counter.Count == requestsBefore ? null : string.Join(", ", counter.Since(requestsBefore))), "no API request");
        var reconciles = instance.ReconcilesStarted - reconcilesBefore;
        output.WriteLine($"{reconciles} reconciles at the gate in {hold.Elapsed.TotalSeconds:F1} s plus the forced ones: {counter.Count - requestsBefore} API requests (watches apart)");
        Assert.True(reconciles >= ForcedReconciles + 2, $"{reconciles} reconciles");
        Assert.Equal(requestsBefore, counter.Count);
        var after = await kit.GetAsync("pool");
        Assert.Equal(statusBefore, after.Metadata.ResourceVersion);
        Assert.Equal(gated.Status!.Analysis?.LastRunAt, after.Status!.Analysis?.LastRunAt);
    }

    [Fact]
    public async Task ACompletedMigrationWaitingOutItsCleanupRetentionIsReconciledWithoutASingleApiRequest()
    {
        var ns = await cluster.CreateNamespaceAsync("noop-retention");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", Total);
        var counter = new RequestCounter();
        await using var instance = await OperatorInstance.StartWithAsync(
            cluster.ClientConfig,
            builder => builder.Services.AddSingleton<IKubernetes>(new Kubernetes(cluster.ClientConfig, counter)),
            $"Operator:Namespaces:0={ns}");
        var migration = MigrationKit.Migration("pool");
        migration.Spec.TrafficRouting = new TrafficRoutingSpec { Flags = new FlagsRouting { ConfigMap = "pool-rollout" } };
        migration.Spec.Completion!.Cleanup = new CleanupSpec { Policy = "Delete", RetentionSeconds = 3600, DeleteFlagsConfigMap = true };
        await kit.CreateAsync(migration);
        await kit.WaitForAsync("pool", m => m.Status is { Phase: Phases.Completed, Cleanup.FinishedAt: null }, Timeout, "completed, its cleanup pending");

        await WaitForQuietAsync(counter, TimeSpan.FromSeconds(3));
        var requestsBefore = counter.Count;
        var statusBefore = (await kit.GetAsync("pool")).Metadata.ResourceVersion;
        var controller = instance.Services.GetRequiredService<Controller<NamespacedName>>();
        for (var i = 0; i < ForcedReconciles; i++)
        {
            var started = instance.ReconcilesStarted;
            controller.Queue.Add(new NamespacedName(ns, "pool"));
            await cluster.WaitForAsync(() => Task.FromResult(instance.ReconcilesStarted > started && controller.Loop.ActiveReconciles == 0), Timeout, "a forced reconcile done");
        }

        output.WriteLine($"{ForcedReconciles} reconciles during the retention: {counter.Count - requestsBefore} API requests (watches apart)");
        Assert.True(counter.Count == requestsBefore, string.Join(", ", counter.Since(requestsBefore)));
        Assert.Equal(statusBefore, (await kit.GetAsync("pool")).Metadata.ResourceVersion);
        Assert.NotNull(await kit.Client.CoreV1.ReadNamespacedConfigMapAsync("pool-rollout", ns));
        Assert.NotNull(await kit.ReadDeploymentAsync("pool-v1"));
    }

    [Fact]
    public async Task OnlyThePodsOfTheV2UnderMigrationAreCachedAndAMatchExpressionsSelectorFindsThem()
    {
        var ns = await cluster.CreateNamespaceAsync("pods-of-interest");
        var bystanders = await cluster.CreateNamespaceAsync("pods-bystanders");
        var kit = new MigrationKit(cluster, ns);
        await cluster.CreateDeploymentAsync(ns, "pool-v1", Total, new Dictionary<string, string> { ["app"] = "pool", ["track"] = "v1" });
        await cluster.CreateDeploymentAsync(ns, "pool-v2", 0, new Dictionary<string, string> { ["app"] = "pool", ["track"] = "v2" }, selector: new V1LabelSelector
        {
            MatchExpressions =
            [
                new V1LabelSelectorRequirement { Key = "app", OperatorProperty = "In", Values = ["pool"] },
                new V1LabelSelectorRequirement { Key = "track", OperatorProperty = "In", Values = ["v2", "v2-canary"] },
            ],
        });
        await cluster.CreateDeploymentAsync(ns, "bystander", 5, new Dictionary<string, string> { ["app"] = "bystander" });
        await cluster.CreateDeploymentAsync(bystanders, "pool-v2", 3, new Dictionary<string, string> { ["app"] = "pool", ["track"] = "v2" });
        await cluster.WaitForAsync(
            async () => (await kit.Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: "app=bystander")).Items.Count == 5
                        && (await kit.ReadDeploymentAsync("pool-v1")).Status?.ReadyReplicas == Total,
            Timeout,
            "the bystander's pods and V1 ready");

        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: [$"Operator:Namespaces:0={ns}", $"Operator:Namespaces:1={bystanders}"]);
        var pods = instance.Services.GetRequiredService<InterestCache<V1Pod>>();
        await kit.CreateAsync(MigrationKit.Migration("pool", Stages.Weighted("canary-25", 25, "10m"), Stages.Weighted("full", 100)));
        await kit.WaitForAsync("pool", m => m.Status is { StageName: "canary-25", Weight: 25, StageReadyAt: not null }, Timeout, "canary-25 with its capacity");

        var cached = pods.List(new ObjectInterest(ns));
        output.WriteLine($"cached pods in {ns}: {string.Join(", ", cached.Select(p => p.Name()))}; in {bystanders}: {pods.List(new ObjectInterest(bystanders)).Count}");
        Assert.Single(cached);
        Assert.All(cached, p => Assert.Equal("v2", p.Metadata.Labels["track"]));
        Assert.Empty(pods.List(new ObjectInterest(bystanders)));
        Assert.All(cached, p => Assert.Null(p.Spec));

        // The built-in restart check reads V2's pods through that selector: a crash-looping V2 rolls back, naming the pod.
        cluster.Kubelet!.SetBehaviour(ns, "pool-v2", PodBehaviour.CrashLoop);
        var rolledBack = await kit.WaitForPhaseAsync("pool", Phases.RolledBack, Timeout);
        var restarts = rolledBack.Status!.Rollback!.Snapshot[BuiltInChecks.V2Restarts];
        output.WriteLine($"rollback trigger {rolledBack.Status.Rollback.Trigger}; {BuiltInChecks.V2Restarts}: {restarts.Verdict} {restarts.Message}");
        Assert.Equal("Fail", restarts.Verdict);
        Assert.Contains("CrashLoopBackOff", restarts.Message, StringComparison.Ordinal);

        // Rolled back, the migration needs its pods no more: the cache lets them go.
        await cluster.WaitForAsync(() => Task.FromResult(pods.List(new ObjectInterest(ns)).Count == 0), Timeout, "the pod cache emptied");
    }

    private static async Task WaitForQuietAsync(RequestCounter counter, TimeSpan quiet)
    {
        var deadline = Stopwatch.StartNew();
        var last = counter.Count;
        var since = Stopwatch.StartNew();
        while (since.Elapsed < quiet)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"the operator kept making requests for 60 s: {string.Join(", ", counter.Since(Math.Max(0, counter.Count - 10)))}");
            }

            await Task.Delay(100);
            if (counter.Count != last)
            {
                last = counter.Count;
                since.Restart();
            }
        }
    }
}
