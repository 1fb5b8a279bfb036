using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PoolOperator.Runtime.Informers;
using Xunit;
using static PoolOperator.UnitTests.Runtime.FakeResourceSource;

namespace PoolOperator.UnitTests.Runtime;

public sealed class InterestInformerTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeResourceSource _source = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<InformerEvent<V1ConfigMap>> _events = new();
    private Task? _run;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(10));
        }

        _stop.Dispose();
    }

    [Fact]
    public async Task WithoutInterestNothingIsListedOrWatchedAndTheInformerCountsAsSynced()
    {
        var informer = Start();

        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(informer.HasSynced);
        Assert.Empty(_source.Lists);
        Assert.Empty(_source.Watches);
        Assert.False(informer.IsSynced("a"));
    }

    [Fact]
    public async Task OnlyObjectsMatchingAnInterestAreCachedAndRaiseChanges()
    {
        _source.Set("a", Labelled("a", "web-1", "5", ("app", "web")), Labelled("a", "db-1", "6", ("app", "db")), Object("a", "bare", "7"));
        var informer = Start();

        informer.SetInterests("m1", [new ObjectInterest("a", Selector: Select(("app", "web")))]);
        var watch = await NextWatch(1);

        Assert.True(informer.IsSynced("a"));
        Assert.True(informer.HasSynced);
        Assert.Equal(["web-1"], informer.List(new ObjectInterest("a")).Select(o => o.Metadata.Name));
        Assert.Null(informer.Get("a", "db-1"));
        Assert.Equal(["web-1"], _events.Select(e => e.Object.Metadata.Name));

        // Only interesting objects change the cache; one relabelled into interest arrives, one relabelled out leaves.
        _events.Clear();
        watch.Send(WatchEventType.Added, Labelled("a", "db-2", "8", ("app", "db")));
        watch.Send(WatchEventType.Modified, Labelled("a", "db-1", "9", ("app", "web")));
        watch.Send(WatchEventType.Modified, Labelled("a", "web-1", "10", ("app", "other")));
        watch.Send(WatchEventType.Deleted, Labelled("a", "db-2", "11", ("app", "db")));
        watch.Send(WatchEventType.Added, Labelled("a", "web-2", "12", ("app", "web")));
        await Eventually.True(() => informer.Get("a", "web-2") is not null, "the last event was applied");

        Assert.Equal(
            [(InformerEventType.Added, "db-1"), (InformerEventType.Deleted, "web-1"), (InformerEventType.Added, "web-2")],
            _events.Select(e => (e.Type, e.Object.Metadata.Name)));
        Assert.Equal(["db-1", "web-2"], informer.List(new ObjectInterest("a")).Select(o => o.Metadata.Name).Order());
        Assert.Equal(2, informer.Count);
    }

    [Fact]
    public async Task AnInterestByNameCachesOnlyThatObjectAndListFiltersByInterest()
    {
        _source.Set("a", Labelled("a", "flags", "5", ("app", "web")), Labelled("a", "other", "6", ("app", "web")));
        var informer = Start();

        informer.SetInterests("m1", [new ObjectInterest("a", Name: "flags")]);
        await NextWatch(1);

        Assert.NotNull(informer.Get("a", "flags"));
        Assert.Null(informer.Get("a", "other"));
        Assert.Single(informer.List(new ObjectInterest("a", Selector: Select(("app", "web")))));
        Assert.Empty(informer.List(new ObjectInterest("a", Name: "other")));
        Assert.Empty(informer.List(new ObjectInterest("b")));
    }

    [Fact]
    public async Task InterestsDeclaredWhileListsAreHeldCostOneListPerNamespaceWhenReleased()
    {
        _source.Set("a", [.. Enumerable.Range(0, 30).Select(i => Labelled("a", $"pool-{i}", $"{i + 1}", ("app", $"pool-{i}")))]);
        _source.Set("b", [.. Enumerable.Range(0, 30).Select(i => Labelled("b", $"pool-{i}", $"{i + 100}", ("app", $"pool-{i}")))]);
        var informer = Start();

        using (informer.HoldLists())
        {
            for (var i = 0; i < 30; i++)
            {
                informer.SetInterests($"a{i}", [new ObjectInterest("a", Selector: Select(("app", $"pool-{i}")))]);
                informer.SetInterests($"b{i}", [new ObjectInterest("b", Selector: Select(("app", $"pool-{i}")))]);
            }

            Assert.Empty(_source.Lists);
            Assert.False(informer.HasSynced);
        }

        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await NextWatch(2);

        Assert.Equal(2, _source.Lists.Count);
        Assert.Equal(60, informer.Count);
        Assert.Equal(60, _events.Count(e => e.Type == InformerEventType.Added));

        // Under a hold on a namespace already watched: dropped interests leave the cache, and one relist brings the rest.
        using (informer.HoldLists())
        {
            for (var i = 0; i < 10; i++)
            {
                informer.Release($"a{i}");
            }

            informer.SetInterests("a-all", [new ObjectInterest("a", Selector: Select(("app", "pool-29")))]);
            Assert.Equal(2, _source.Lists.Count);
        }

        await NextWatch(3);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3, _source.Lists.Count);
        Assert.Equal(50, informer.Count);
        Assert.Null(informer.Get("a", "pool-0"));
        Assert.NotNull(informer.Get("a", "pool-29"));
    }

    [Fact]
    public async Task ManyUncoveredInterestsAddedAtOnceCostOneRelistAndBringTheirObjects()
    {
        _source.Set("a", [.. Enumerable.Range(0, 50).Select(i => Labelled("a", $"pool-{i}", $"{i + 1}", ("app", $"pool-{i}")))]);
        var informer = Start();
        informer.SetInterests("m0", [new ObjectInterest("a", Selector: Select(("app", "pool-0")))]);
        var first = await NextWatch(1);
        Assert.Equal(1, informer.Count);

        for (var i = 1; i < 50; i++)
        {
            informer.SetInterests($"m{i}", [new ObjectInterest("a", Selector: Select(("app", $"pool-{i}")))]);
        }

        Assert.False(informer.IsSynced("a"));
        Assert.False(informer.HasSynced);
        var waited = informer.WaitForSyncAsync(CancellationToken.None);
        Assert.False(waited.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(250));
        await NextWatch(2);
        await waited.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, _source.Lists.Count);
        Assert.True(first.Ended.IsCompleted);
        Assert.True(informer.IsSynced("a"));
        Assert.Equal(50, informer.Count);
        Assert.Equal(50, _events.Count(e => e.Type == InformerEventType.Added));
    }

    [Fact]
    public async Task AnInterestTheCacheAlreadyCoversNeedsNoRelist()
    {
        _source.Set("a", Labelled("a", "web-v1", "5", ("app", "web"), ("track", "v1")), Labelled("a", "web-v2", "6", ("app", "web"), ("track", "v2")));
        var informer = Start();
        informer.SetInterests("pool", [new ObjectInterest("a", Selector: Select(("app", "web")))]);
        await NextWatch(1);

        informer.SetInterests("v1-only", [new ObjectInterest("a", Selector: Select(("app", "web"), ("track", "v1")))]);
        informer.SetInterests("one", [new ObjectInterest("a", Name: "web-v2", Selector: Select(("app", "web")))]);
        informer.SetInterests("pool", [new ObjectInterest("a", Selector: Select(("app", "web")))]);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(informer.IsSynced("a"));
        Assert.Single(_source.Lists);
        Assert.Single(_source.Watches);
        Assert.Equal(2, informer.Count);
    }

    [Fact]
    public async Task NarrowingDropsWhatNobodyWantsWithoutEventsAndReleasingTheLastInterestStopsTheWatch()
    {
        _source.Set("a", Labelled("a", "web-1", "5", ("app", "web")), Labelled("a", "db-1", "6", ("app", "db")));
        var informer = Start();
        informer.SetInterests("web", [new ObjectInterest("a", Selector: Select(("app", "web")))]);
        informer.SetInterests("db", [new ObjectInterest("a", Selector: Select(("app", "db")))]);
        informer.SetInterests("web-too", [new ObjectInterest("a", Selector: Select(("app", "web")))]);
        _time.Advance(TimeSpan.FromMilliseconds(250));
        await Eventually.True(
            () => informer.Count == 2 && informer.HasSynced && _source.Watches.Any(w => w.IsLive),
            "both objects are cached and watched");
        var watch = _source.Watches.Single(w => w.IsLive);
        _events.Clear();

        informer.Release("db");
        Assert.Null(informer.Get("a", "db-1"));
        informer.Release("web");
        Assert.NotNull(informer.Get("a", "web-1"));
        Assert.True(watch.IsLive, "releasing two of three interests must not stop the namespace's watch");

        informer.Release("web-too");
        await watch.Ended.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Null(informer.Get("a", "web-1"));
        Assert.Equal(0, informer.Count);
        Assert.Empty(informer.WatchedNamespaces);
        Assert.Empty(_events);
        Assert.True(informer.HasSynced);
        Assert.False(informer.IsSynced("a"));
    }

    [Fact]
    public async Task EachNamespaceWithInterestHasItsOwnWatchAndNamespacesOutsideTheConfiguredOnesAreNeverWatched()
    {
        _source.Set("a", Object("a", "one", "5"));
        _source.Set("b", Object("b", "two", "6"));
        _source.Set("elsewhere", Object("elsewhere", "three", "7"));
        var informer = Start(["a", "b"]);

        informer.SetInterests("m", [new ObjectInterest("a"), new ObjectInterest("b"), new ObjectInterest("elsewhere")]);
        await NextWatch(2);

        Assert.Equal(["a", "b"], _source.Watches.Select(w => w.Namespace).Order());
        Assert.DoesNotContain(_source.Lists, l => l.Namespace == "elsewhere");
        Assert.True(informer.IsSynced("elsewhere"));
        Assert.True(informer.HasSynced);
        Assert.Null(informer.Get("elsewhere", "three"));
        Assert.Equal(["a", "b"], informer.WatchedNamespaces);
    }

    [Fact]
    public async Task AResourceThatIsNotInstalledCountsAsSyncedAndEmptyAndIsRetriedWithBackoff()
    {
        var missing = true;
        _source.ListFailure = _ => Volatile.Read(ref missing)
            ? new HttpOperationException("not found") { Response = new HttpResponseMessageWrapper(new HttpResponseMessage(HttpStatusCode.NotFound), string.Empty) }
            : null;
        _source.Set("a", Object("a", "route", "5"));
        var informer = Start();

        informer.SetInterests("m", [new ObjectInterest("a", Name: "route")]);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(informer.IsSynced("a"));
        Assert.Null(informer.Get("a", "route"));
        Assert.Empty(_source.Watches);

        Volatile.Write(ref missing, false);
        await Eventually.True(
            () =>
            {
                _time.Advance(TimeSpan.FromMilliseconds(100));
                return informer.Get("a", "route") is not null;
            },
            "the retried list found the object");
        await NextWatch(1);
    }

    [Fact]
    public async Task TheTransformIsAppliedBeforeCaching()
    {
        var source = Labelled("a", "big", "5", ("app", "web"));
        source.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl" }];
        _source.Set("a", source);
        var informer = new InterestInformer<V1ConfigMap>(
            _source,
            null,
            _time,
            NullLogger<InterestInformer<V1ConfigMap>>.Instance,
            cm =>
            {
                cm.Metadata.ManagedFields = null;
                return cm;
            });
        _run = informer.RunAsync(_stop.Token);

        informer.SetInterests("m", [new ObjectInterest("a", Selector: Select(("app", "web")))]);
        var watch = await NextWatch(1);
        var updated = Labelled("a", "big", "6", ("app", "web"));
        updated.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl" }];
        watch.Send(WatchEventType.Modified, updated);
        await Eventually.True(() => informer.Get("a", "big")?.Metadata.ResourceVersion == "6", "the update was cached");

        Assert.Null(informer.Get("a", "big")!.Metadata.ManagedFields);
    }

    [Fact]
    public async Task SetInterestsWithTheSameInterestsChangesNothing()
    {
        _source.Set("a", Object("a", "one", "5"));
        var informer = Start();
        informer.SetInterests("m", [new ObjectInterest("a", Selector: Select(("app", "web"), ("track", "v1")))]);
        await NextWatch(1);

        for (var i = 0; i < 100; i++)
        {
            // Equal selectors built anew each time, in another order: the same interest.
            informer.SetInterests("m", [new ObjectInterest("a", Selector: Select(("track", "v1"), ("app", "web")))]);
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Single(_source.Lists);
        Assert.True(informer.HasSynced);
    }

    [Fact]
    public async Task ARestartedRunRelistsBeforeCountingAsSynced()
    {
        _source.Set("a", Object("a", "one", "5"));
        var informer = new InterestInformer<V1ConfigMap>(_source, null, _time, NullLogger<InterestInformer<V1ConfigMap>>.Instance);
        informer.SetInterests("m", [new ObjectInterest("a")]);
        Assert.False(informer.HasSynced);

        using (var firstRun = new CancellationTokenSource())
        {
            var run = informer.RunAsync(firstRun.Token);
            await NextWatch(1);
            Assert.True(informer.HasSynced);
            await firstRun.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(30));
        }

        _run = informer.RunAsync(_stop.Token);
        await NextWatch(2);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, _source.Lists.Count);
        Assert.NotNull(informer.Get("a", "one"));
    }

    private static V1LabelSelector Select(params (string Key, string Value)[] labels) =>
        new() { MatchLabels = labels.ToDictionary(l => l.Key, l => l.Value) };

    private InterestInformer<V1ConfigMap> Start(IEnumerable<string>? namespaces = null)
    {
        var informer = new InterestInformer<V1ConfigMap>(_source, namespaces, _time, NullLogger<InterestInformer<V1ConfigMap>>.Instance);
        informer.Changed += _events.Enqueue;
        _run = informer.RunAsync(_stop.Token);
        return informer;
    }

    private async Task<FakeWatch> NextWatch(int count)
    {
        await Eventually.True(() => _source.Watches.Count >= count, $"watch #{count} started");
        return _source.Watches.ElementAt(count - 1);
    }
}
