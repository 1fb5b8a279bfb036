using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.Runtime;
using PoolOperator.Runtime.Client;
using PoolOperator.Runtime.Events;
using PoolOperator.Runtime.Informers;
using PoolOperator.Runtime.LeaderElection;
using PoolOperator.Runtime.Queue;
using Xunit;
using Xunit.Abstractions;

using static PoolOperator.IntegrationTests.Runtime.InformerWaits;

namespace PoolOperator.IntegrationTests.Runtime;

[Collection(ClusterCollection.Name)]
public sealed class RuntimeAgainstApiServerTests(ClusterFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly IKubernetes _client = KubernetesClientFactory.Create(cluster.ClientConfig);
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(2));

    public Task InitializeAsync() => Widget.InstallAsync(cluster);

    public Task DisposeAsync()
    {
        _stop.Cancel();
        _stop.Dispose();
        _client.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ACustomResourceInformerSeesCreateUpdateAndDeleteThroughItsWatch()
    {
        var ns = await cluster.CreateNamespaceAsync("rt");
        await CreateWidgetAsync(ns, Widget.New("existing"));
        var informer = Informer(ResourceSources.CustomResource<Widget>(_client, Widget.Group, Widget.Version, Widget.Plural), ns);
        var events = Collect(informer);
        var run = informer.RunAsync(_stop.Token);
        await informer.WaitForSyncAsync(_stop.Token).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("existing", Assert.Single(informer.List()).Metadata.Name);

        // The informer never relists on its own: without its watch none of these changes would arrive at all.
        // The bound is a few times what a loaded 2-core machine needs (docs/benchmarks.md, "Durations the tests assert").
        var bound = TimeSpan.FromSeconds(5);
        await CreateWidgetAsync(ns, Widget.New("fresh", "d1"));
        var added = await Until(() => events.Any(e => e.Type == InformerEventType.Added && e.Object.Metadata.Name == "fresh"), bound, "Added(fresh)");
        Assert.Equal("d1", informer.Get(ns, "fresh")?.Spec.Deployment);

        await _client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"deployment":"d2"}}""", V1Patch.PatchType.MergePatch), Widget.Group, Widget.Version, ns, Widget.Plural, "fresh");
        var modified = await Until(() => events.Any(e => e.Type == InformerEventType.Modified && e.NewObject?.Spec.Deployment == "d2" && e.OldObject?.Spec.Deployment == "d1"), bound, "Modified(fresh)");

        await _client.CustomObjects.DeleteNamespacedCustomObjectAsync(Widget.Group, Widget.Version, ns, Widget.Plural, "fresh");
        var deleted = await Until(() => events.Any(e => e.Type == InformerEventType.Deleted && e.Object.Metadata.Name == "fresh"), bound, "Deleted(fresh)");
        output.WriteLine($"write -> informer event: added {added.TotalMilliseconds:F0} ms, modified {modified.TotalMilliseconds:F0} ms, deleted {deleted.TotalMilliseconds:F0} ms (bound {bound.TotalSeconds:F0} s each)");
        Assert.Null(informer.Get(ns, "fresh"));
        await StopAsync(run);
    }

    [Fact]
    public async Task AnExpiredResourceVersionGets410AndTheRelistMakesTheCacheMatchTheServer()
    {
        var ns = await cluster.CreateNamespaceAsync("rt");
        await CreateWidgetAsync(ns, Widget.New("kept"));
        await CreateWidgetAsync(ns, Widget.New("doomed"));
        var source = new InterruptibleSource<Widget>(ResourceSources.CustomResource<Widget>(_client, Widget.Group, Widget.Version, Widget.Plural));
        var informer = Informer(source, ns);
        var events = Collect(informer);
        var run = informer.RunAsync(_stop.Token);
        await informer.WaitForSyncAsync(_stop.Token).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, informer.ListCount);
        await Until(() => source.WatchedFrom.Count == 1, TimeSpan.FromSeconds(5), "the first watch started");

        // Disconnect; while nobody watches, one object goes and another arrives.
        source.CutAndHold();
        await _client.CustomObjects.DeleteNamespacedCustomObjectAsync(Widget.Group, Widget.Version, ns, Widget.Plural, "doomed");
        await CreateWidgetAsync(ns, Widget.New("born"));

        // Reconnect from a resourceVersion the apiserver no longer has: a real "too old resource version".
        source.Release("1");
        await Until(() => informer.ListCount == 2, TimeSpan.FromSeconds(10), "the informer relisted");

        await Until(() => informer.Get(ns, "born") is not null, TimeSpan.FromSeconds(5), "the relist added 'born'");
        Assert.Equal(["born", "kept"], informer.List().Select(w => w.Metadata.Name).Order());
        Assert.Contains(events, e => e.Type == InformerEventType.Deleted && e.Object.Metadata.Name == "doomed");
        Assert.Contains(events, e => e.Type == InformerEventType.Added && e.Object.Metadata.Name == "born");
        Assert.Equal("1", source.WatchedFrom.ElementAt(1));

        // After the relist it watches from a fresh resourceVersion and keeps delivering.
        await CreateWidgetAsync(ns, Widget.New("after"));
        var after = await Until(() => informer.Get(ns, "after") is not null, TimeSpan.FromSeconds(5), "a change after the relist");
        output.WriteLine($"a change after the relist reached the cache in {after.TotalMilliseconds:F0} ms (bound 5 s)");
        Assert.Equal(2, informer.ListCount);
        await StopAsync(run);
    }

    [Fact]
    public async Task DeploymentAndPodInformersWatchTheirNamespaceAndHonourTheLabelSelector()
    {
        var ns = await cluster.CreateNamespaceAsync("rt");
        var other = await cluster.CreateNamespaceAsync("rt");
        await CreateSettledDeploymentAsync(ns, "pool-v1");
        await CreateSettledDeploymentAsync(other, "elsewhere");
        await _client.CoreV1.CreateNamespacedPodAsync(Pod("mine", "pool-v1"), ns);
        await _client.CoreV1.CreateNamespacedPodAsync(Pod("theirs", "unrelated"), ns);

        var deployments = Informer(ResourceSources.Deployments(_client), ns);
        var pods = Informer(ResourceSources.Pods(_client, "app=pool-v1"), ns);
        var podEvents = Collect(pods);
        var runs = new[] { deployments.RunAsync(_stop.Token), pods.RunAsync(_stop.Token) };
        await Task.WhenAll(deployments.WaitForSyncAsync(_stop.Token), pods.WaitForSyncAsync(_stop.Token)).WaitAsync(TimeSpan.FromSeconds(10));

        var deployment = Assert.Single(deployments.List());
        Assert.Equal("pool-v1", deployment.Metadata.Name);
        Assert.Equal("Deployment", deployment.Kind);
        Assert.Equal("mine", Assert.Single(pods.List()).Metadata.Name);

        await _client.CoreV1.PatchNamespacedPodAsync(
            new V1Patch("""{"metadata":{"labels":{"app":"pool-v1"}}}""", V1Patch.PatchType.MergePatch), "theirs", ns);
        var relabelled = await Until(() => podEvents.Any(e => e.Object.Metadata.Name == "theirs"), TimeSpan.FromSeconds(5), "the relabelled pod appeared");
        output.WriteLine($"relabelled pod -> informer event: {relabelled.TotalMilliseconds:F0} ms (bound 5 s)");
        Assert.Equal(2, pods.List().Count);
        await StopAsync(runs);
    }

    [Fact]
    public async Task ADeploymentChangeReconcilesTheWidgetThatReferencesItThroughTheWatch()
    {
        var ns = await cluster.CreateNamespaceAsync("rt");
        await CreateSettledDeploymentAsync(ns, "pool-v2");
        await CreateWidgetAsync(ns, Widget.New("migration", "pool-v2"));
        await CreateWidgetAsync(ns, Widget.New("bystander", "other"));

        var widgets = Informer(ResourceSources.CustomResource<Widget>(_client, Widget.Group, Widget.Version, Widget.Plural), ns);
        var deployments = Informer(ResourceSources.Deployments(_client), ns);
        var reconciled = new ConcurrentQueue<(NamespacedName Key, TimeSpan At)>();
        var clock = Stopwatch.StartNew();
        var controller = new Controller<NamespacedName>(
                "widgets",
                (key, _) =>
                {
                    reconciled.Enqueue((key, clock.Elapsed));
                    return Task.FromResult(ReconcileResult.Done);
                },
                maxConcurrentReconciles: 2,
                TimeProvider.System,
                NullLoggerFactory.Instance)
            .Watch(widgets, w => [NamespacedName.Of(w)])
            .Watch(deployments, d => widgets.List(d.Metadata.NamespaceProperty)
                .Where(w => w.Spec.Deployment == d.Metadata.Name)
                .Select(NamespacedName.Of));
        var run = OperatorHost.RunControllersAsync([controller], NullLogger.Instance, _stop.Token);
        await Until(() => reconciled.Count(r => r.Key.Name == "migration") >= 1 && reconciled.Count(r => r.Key.Name == "bystander") >= 1, TimeSpan.FromSeconds(10), "the initial reconciles");
        await Until(() => controller.Queue.InFlight == 0 && controller.Queue.Length == 0, TimeSpan.FromSeconds(5), "the queue drained");
        var before = reconciled.Count;

        var changedAt = clock.Elapsed;
        await _client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "pool-v2", ns);
        // Nothing requeues these reconciles: only the Deployment watch can bring the owner back.
        var bound = TimeSpan.FromSeconds(5);
        await Until(() => reconciled.Skip(before).Any(r => r.Key == new NamespacedName(ns, "migration")), bound, "the owner reconciled");

        var latency = reconciled.Skip(before).First(r => r.Key.Name == "migration").At - changedAt;
        output.WriteLine($"Deployment change -> owner reconcile: {latency.TotalMilliseconds:F0} ms (bound {bound.TotalSeconds:F0} s)");
        Assert.True(latency < bound, $"took {latency.TotalMilliseconds} ms");
        Assert.DoesNotContain(reconciled.Skip(before), r => r.Key.Name == "bystander");
        await StopAsync(run);
    }

    [Fact]
    public async Task AGracefulStopReleasesTheLeaseSoTheStandbyTakesOverWellBeforeItExpires()
    {
        var ns = await cluster.CreateNamespaceAsync("rt");
        var a = Election(ns, "replica-a");
        var b = Election(ns, "replica-b");
        using var stopA = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var leadingA = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var leadingB = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var runA = a.RunAsync(ct => LeadUntilCancelled(leadingA, ct), stopA.Token);
        var tokenA = await leadingA.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(a.IsLeader);

        var runB = b.RunAsync(ct => LeadUntilCancelled(leadingB, ct), _stop.Token);
        await Until(() => b.CurrentLeader == "replica-a", TimeSpan.FromSeconds(10), "the standby saw the leader");
        Assert.False(b.IsLeader);
        Assert.False(leadingB.Task.IsCompleted);

        var clock = Stopwatch.StartNew();
        await stopA.CancelAsync();
        await runA.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(tokenA.IsCancellationRequested);
        Assert.False(a.IsLeader);

        await leadingB.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var failover = clock.Elapsed;
        var bound = TimeSpan.FromSeconds(8);
        output.WriteLine($"Graceful stop -> standby leading: {failover.TotalMilliseconds:F0} ms (bound {bound.TotalSeconds:F0} s)");

        // The lease lasts 10 s and the standby last saw it renewed just before the stop: without the release it
        // could not lead before the lease expired, 10 s after that renewal.
        Assert.True(failover < bound, $"failover took {failover.TotalSeconds:F1} s");
        var lease = await _client.CoordinationV1.ReadNamespacedLeaseAsync("runtime-test", ns);
        Assert.Equal("replica-b", lease.Spec.HolderIdentity);
        await _stop.CancelAsync();
        await runB.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task LosingTheLeaseCancelsTheLeadersWorkAtTheNextRenewal()
    {
        var ns = await cluster.CreateNamespaceAsync("rt");
        var a = Election(ns, "replica-a");
        var leading = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = a.RunAsync(ct => LeadUntilCancelled(leading, ct), _stop.Token);
        var token = await leading.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => lost.TrySetResult());

        // Someone else takes the Lease (as after a partition): the leader must notice and stop working.
        await StealLeaseAsync(ns, "intruder");
        var clock = Stopwatch.StartNew();

        await lost.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var cancelled = clock.Elapsed;
        var bound = TimeSpan.FromSeconds(4);
        output.WriteLine($"Lease stolen -> leader's work cancelled: {cancelled.TotalMilliseconds:F0} ms (bound {bound.TotalSeconds:F0} s)");
        // Seen at the next renewal (every 0.5 s), before the 5 s renew deadline would have cancelled it anyway.
        Assert.True(cancelled < bound, $"stopped after {cancelled.TotalSeconds:F1} s");
        Assert.False(a.IsLeader);

        // Stopping a non-leader must not touch someone else's Lease.
        await _stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        var lease = await _client.CoordinationV1.ReadNamespacedLeaseAsync("runtime-test", ns);
        Assert.Equal("intruder", lease.Spec.HolderIdentity);
    }

    [Fact]
    public async Task RepeatedEventsAreOneEventWithACountOnTheRealApiserver()
    {
        var ns = await cluster.CreateNamespaceAsync("rt");
        var widget = await CreateWidgetAsync(ns, Widget.New("noisy"));
        var recorder = new EventRecorder(_client, RuntimeDefaults.ComponentName, "replica-a", TimeProvider.System, NullLogger.Instance)
        {
            // Every repeat reaches the apiserver at once, instead of at most once per interval.
            RepeatUpdateInterval = TimeSpan.Zero,
        };

        await recorder.WarningAsync(widget, "AnalysisFailed", "error rate 0.2 > 0.01");
        await recorder.WarningAsync(widget, "AnalysisFailed", "error rate 0.2 > 0.01");
        await recorder.NormalAsync(widget, "StageAdvanced", "canary-5 -> canary-25");

        var events = (await _client.CoreV1.ListNamespacedEventAsync(ns)).Items;
        Assert.Equal(2, events.Count);
        var repeated = events.Single(e => e.Reason == "AnalysisFailed");
        Assert.Equal(2, repeated.Count);
        Assert.Equal("Warning", repeated.Type);
        Assert.Equal("pool-operator", repeated.ReportingComponent);
        Assert.Equal("pool-operator", repeated.Source.Component);
        Assert.Equal(widget.Metadata.Uid, repeated.InvolvedObject.Uid);
        Assert.Equal("Widget", repeated.InvolvedObject.Kind);
    }

    [Fact]
    public async Task AKeyedEventIsCreatedOnceAcrossReplicasAndRestarts()
    {
        var ns = await cluster.CreateNamespaceAsync("rt");
        var widget = await CreateWidgetAsync(ns, Widget.New("migrating"));
        var leader = new EventRecorder(_client, RuntimeDefaults.ComponentName, "replica-a", TimeProvider.System, NullLogger.Instance);
        var nextLeader = new EventRecorder(_client, RuntimeDefaults.ComponentName, "replica-b", TimeProvider.System, NullLogger.Instance);

        await leader.RecordOnceAsync(widget, EventType.Normal, "StageStarted", "canary-5 started", "run-1/canary-5");
        await leader.RecordOnceAsync(widget, EventType.Normal, "StageStarted", "canary-5 started", "run-1/canary-5");
        await nextLeader.RecordOnceAsync(widget, EventType.Normal, "StageStarted", "canary-5 started", "run-1/canary-5");
        await nextLeader.RecordOnceAsync(widget, EventType.Normal, "StageStarted", "canary-25 started", "run-1/canary-25");

        var events = (await _client.CoreV1.ListNamespacedEventAsync(ns)).Items.OrderBy(e => e.Message, StringComparer.Ordinal).ToList();
        Assert.Equal(["canary-25 started", "canary-5 started"], events.Select(e => e.Message));
        Assert.Equal(["replica-b", "replica-a"], events.Select(e => e.ReportingInstance));
        Assert.All(events, e => Assert.Equal(1, e.Count));
    }

    private static async Task LeadUntilCancelled(TaskCompletionSource<CancellationToken> leading, CancellationToken token)
    {
        leading.TrySetResult(token);
        await Task.Delay(Timeout.Infinite, token);
    }

    private async Task StealLeaseAsync(string ns, string holder)
    {
        // The leader renews every retry period, so our write can lose the optimistic-concurrency race: re-read and retry.
        for (var attempt = 0; ; attempt++)
        {
            var lease = await _client.CoordinationV1.ReadNamespacedLeaseAsync("runtime-test", ns);
            lease.Spec.HolderIdentity = holder;
            lease.Spec.LeaseDurationSeconds = 60;
            lease.Spec.RenewTime = DateTime.UtcNow;
            try
            {
                await _client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, "runtime-test", ns);
                return;
            }
            catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < 10)
            {
            }
        }
    }

    /// <summary>
    /// A Deployment without pods whose status the deployment controller has written: on the shared cluster that
    /// controller runs, and neither its pods nor its later status writes may leak into what a test observes.
    /// </summary>
    private async Task CreateSettledDeploymentAsync(string ns, string name)
    {
        await _client.AppsV1.CreateNamespacedDeploymentAsync(Deployment(name), ns);
        await cluster.WaitForAsync(
            async () => (await _client.AppsV1.ReadNamespacedDeploymentAsync(name, ns)) is { } d && d.Status?.ObservedGeneration == d.Metadata.Generation
                && d.Status?.Conditions?.Any(c => c.Type == "Progressing" && c.Reason == "NewReplicaSetAvailable") == true,
            TimeSpan.FromSeconds(30),
            $"the deployment controller to observe {ns}/{name}");
    }

    private static V1Deployment Deployment(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = 0,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "registry.invalid/app:1" }] },
            },
        },
    };

    private static V1Pod Pod(string name, string app) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = app } },
        Spec = new V1PodSpec
        {
            AutomountServiceAccountToken = false,
            Containers = [new V1Container { Name = "app", Image = "registry.invalid/app:1" }],
        },
    };



    private ResourceInformer<T> Informer<T>(IResourceSource<T> source, string ns)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        new(source, [ns], TimeProvider.System, NullLogger<ResourceInformer<T>>.Instance);

    private LeaderElectionService Election(string ns, string identity) =>
        new(
            _client,
            Options.Create(new OperatorRuntimeOptions
            {
                LeaseName = "runtime-test",
                LeaseNamespace = ns,
                Identity = identity,
                LeaseDuration = TimeSpan.FromSeconds(10),
                RenewDeadline = TimeSpan.FromSeconds(5),
                RetryPeriod = TimeSpan.FromMilliseconds(500),
            }),
            TimeProvider.System,
            NullLogger<LeaderElectionService>.Instance);

    private async Task<Widget> CreateWidgetAsync(string ns, Widget widget)
    {
        var created = await _client.CustomObjects.CreateNamespacedCustomObjectAsync(widget, Widget.Group, Widget.Version, ns, Widget.Plural);
        return KubernetesJson.Deserialize<Widget>(KubernetesJson.Serialize(created));
    }

    private async Task StopAsync(params Task[] runs)
    {
        await _stop.CancelAsync();
        await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(10));
    }
}
