using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.Runtime;
using PoolOperator.Runtime.Client;
using PoolOperator.Runtime.Informers;
using Xunit;
using Xunit.Abstractions;

using static PoolOperator.IntegrationTests.Runtime.InformerWaits;

namespace PoolOperator.IntegrationTests.Runtime;

[Collection(ClusterCollection.Name)]
public sealed class InterestInformerAgainstApiServerTests(ClusterFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly IKubernetes _client = KubernetesClientFactory.Create(cluster.ClientConfig);
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(3));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _stop.Cancel();
        _stop.Dispose();
        _client.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task PodsOutsideEveryInterestAreNeverCachedAndRaiseNoChanges()
    {
        var ns = await cluster.CreateNamespaceAsync("interest");
        var other = await cluster.CreateNamespaceAsync("interest");
        await CreatePodsAsync(ns, Enumerable.Range(0, 150).Select(i => Pod($"unrelated-{i}", ("app", $"other-{i % 10}"))));
        await CreatePodsAsync(other, Enumerable.Range(0, 50).Select(i => Pod($"elsewhere-{i}", ("app", "pool-a"))));
        await CreatePodsAsync(ns, Enumerable.Range(0, 5).Select(i => Pod($"pool-a-{i}", ("app", "pool-a"), ("track", i < 3 ? "v1" : "v2"))));

        var informer = Factory().PodsOfInterest(DropManagedFields);
        var events = Collect(informer);
        var run = informer.RunAsync(_stop.Token);
        informer.SetInterests("migration-a", [new ObjectInterest(ns, Selector: Select(("app", "pool-a")))]);
        await informer.WaitForSyncAsync(_stop.Token).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"pool-a-{i}"), Names(informer.List(new ObjectInterest(ns))));
        Assert.Equal(5, informer.Count);
        Assert.Empty(informer.List(new ObjectInterest(other)));
        Assert.Null(informer.Get(ns, "unrelated-0"));
        Assert.All(informer.List(new ObjectInterest(ns)), p => Assert.Null(p.Metadata.ManagedFields));
        Assert.Equal(3, informer.List(new ObjectInterest(ns, Selector: Select(("app", "pool-a"), ("track", "v1")))).Count);

        // Watch events arrive in resourceVersion order: once the late pod is cached, the unrelated pods created before it
        // (and bound and started by the simulated kubelet) have been seen, and none reached the cache or the subscribers.
        await CreatePodsAsync(ns, Enumerable.Range(150, 20).Select(i => Pod($"unrelated-{i}", ("app", "other"))));
        await _client.CoreV1.CreateNamespacedPodAsync(Pod("pool-a-late", ("app", "pool-a")), ns);
        await Until(() => informer.Get(ns, "pool-a-late") is not null, TimeSpan.FromSeconds(10), "the late pool-a pod is cached");

        Assert.Equal(6, informer.Count);
        Assert.All(events, e => Assert.StartsWith("pool-a-", e.Object.Metadata.Name, StringComparison.Ordinal));
        Assert.Equal(6, events.Where(e => e.Type == InformerEventType.Added).Select(e => e.Object.Metadata.Name).Distinct().Count());
        output.WriteLine($"{informer.Count} pods cached of {informer.Count + 170 + 50} created; {events.Count} change events");
        await StopAsync(run);
    }

    [Fact]
    public async Task AnInterestAddedLaterRelistsAndBringsItsExistingPodsAndReleasingStopsTheWatchAndEmptiesTheCache()
    {
        var ns = await cluster.CreateNamespaceAsync("interest");
        await CreatePodsAsync(ns, Enumerable.Range(0, 3).Select(i => Pod($"a-{i}", ("app", "pool-a"))));
        await CreatePodsAsync(ns, Enumerable.Range(0, 4).Select(i => Pod($"b-{i}", ("app", "pool-b"))));
        var source = new CountingSource<V1Pod>(ResourceSources.Pods(_client));
        var informer = new InterestInformer<V1Pod>(source, null, TimeProvider.System, NullLogger<InterestInformer<V1Pod>>.Instance);
        var events = Collect(informer);
        var run = informer.RunAsync(_stop.Token);
        informer.SetInterests("migration-a", [new ObjectInterest(ns, Selector: Select(("app", "pool-a")))]);
        await informer.WaitForSyncAsync(_stop.Token).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(3, informer.Count);
        Assert.Equal(1, source.ListsOf(ns));

        var clock = Stopwatch.StartNew();
        informer.SetInterests("migration-b", [new ObjectInterest(ns, Selector: Select(("app", "pool-b")))]);
        Assert.False(informer.IsSynced(ns));
        await Until(() => informer.IsSynced(ns), TimeSpan.FromSeconds(10), "the namespace relisted");
        output.WriteLine($"New interest -> relisted and synced: {clock.Elapsed.TotalMilliseconds:F0} ms");

        Assert.Equal(2, source.ListsOf(ns));
        Assert.Equal(["b-0", "b-1", "b-2", "b-3"], Names(informer.List(new ObjectInterest(ns, Selector: Select(("app", "pool-b"))))));
        Assert.Equal(4, events.Count(e => e.Type == InformerEventType.Added && e.Object.Metadata.Name.StartsWith("b-", StringComparison.Ordinal)));
        Assert.Equal(1, source.OpenWatches);

        informer.Release("migration-a");
        Assert.Null(informer.Get(ns, "a-0"));
        Assert.Equal(4, informer.Count);
        informer.Release("migration-b");

        await Until(() => source.OpenWatches == 0, TimeSpan.FromSeconds(5), "the watch of the namespace stopped");
        Assert.Equal(0, informer.Count);
        Assert.Empty(informer.List(new ObjectInterest(ns)));
        Assert.Empty(informer.WatchedNamespaces);
        Assert.Equal(2, source.ListsOf(ns));
        await StopAsync(run);
    }

    [Fact]
    public async Task ASelectorWithMatchExpressionsCachesExactlyThePodsItSelects()
    {
        var ns = await cluster.CreateNamespaceAsync("interest");
        await CreatePodsAsync(ns, [
            Pod("selected-v1", ("app", "pool-c"), ("track", "v1"), ("tier", "front")),
            Pod("selected-v2", ("app", "pool-c"), ("track", "v2"), ("tier", "back")),
            Pod("canary", ("app", "pool-c"), ("track", "canary"), ("tier", "front")),
            Pod("no-tier", ("app", "pool-c"), ("track", "v1")),
            Pod("paused", ("app", "pool-c"), ("track", "v1"), ("tier", "front"), ("paused", "true")),
            Pod("other-app", ("app", "pool-d"), ("track", "v1"), ("tier", "front")),
        ]);
        var selector = new V1LabelSelector
        {
            MatchExpressions =
            [
                new V1LabelSelectorRequirement { Key = "app", OperatorProperty = "In", Values = ["pool-c", "pool-e"] },
                new V1LabelSelectorRequirement { Key = "track", OperatorProperty = "NotIn", Values = ["canary"] },
                new V1LabelSelectorRequirement { Key = "tier", OperatorProperty = "Exists" },
                new V1LabelSelectorRequirement { Key = "paused", OperatorProperty = "DoesNotExist" },
            ],
        };
        var informer = Factory().PodsOfInterest();
        var run = informer.RunAsync(_stop.Token);

        informer.SetInterests("migration-c", [new ObjectInterest(ns, Selector: selector)]);
        await informer.WaitForSyncAsync(_stop.Token).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(["selected-v1", "selected-v2"], Names(informer.List(new ObjectInterest(ns))));

        // The apiserver agrees: the same selector as a query returns the same pods.
        var byServer = await _client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: LabelSelectors.ToQuery(selector));
        Assert.Equal(["selected-v1", "selected-v2"], Names(byServer.Items));
        await StopAsync(run);
    }

    [Fact]
    public async Task ACustomResourceThatIsNotInstalledIsSyncedAndEmptyInsteadOfHanging()
    {
        var ns = await cluster.CreateNamespaceAsync("interest");
        var informer = Factory().CustomResourcesOfInterest<Widget>("notinstalled.pooloperator.io", "v1", "gadgets");
        var run = informer.RunAsync(_stop.Token);

        informer.SetInterests("migration", [new ObjectInterest(ns, Name: "route")]);
        await informer.WaitForSyncAsync(_stop.Token).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(informer.IsSynced(ns));
        Assert.Null(informer.Get(ns, "route"));
        await StopAsync(run);
    }

    private static V1Pod DropManagedFields(V1Pod pod)
    {
        pod.Metadata.ManagedFields = null;
        return pod;
    }

    private static V1LabelSelector Select(params (string Key, string Value)[] labels) =>
        new() { MatchLabels = labels.ToDictionary(l => l.Key, l => l.Value) };

    private static List<string> Names(IEnumerable<V1Pod> pods) => [.. pods.Select(p => p.Metadata.Name).Order(StringComparer.Ordinal)];

    private static V1Pod Pod(string name, params (string Key, string Value)[] labels) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels.ToDictionary(l => l.Key, l => l.Value) },
        Spec = new V1PodSpec
        {
            AutomountServiceAccountToken = false,
            TerminationGracePeriodSeconds = 0,
            Containers = [new V1Container { Name = "app", Image = "registry.invalid/app:1" }],
        },
    };



    private InformerFactory Factory() =>
        new(_client, Options.Create(new OperatorRuntimeOptions()), TimeProvider.System, NullLoggerFactory.Instance);

    private async Task CreatePodsAsync(string ns, IEnumerable<V1Pod> pods)
    {
        foreach (var batch in pods.Chunk(20))
        {
            await Task.WhenAll(batch.Select(p => _client.CoreV1.CreateNamespacedPodAsync(p, ns)));
        }
    }

    private async Task StopAsync(Task run)
    {
        await _stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
