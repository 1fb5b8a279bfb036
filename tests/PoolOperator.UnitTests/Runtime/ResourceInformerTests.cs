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

public sealed class ResourceInformerTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeResourceSource _source = new();
    private readonly DelayRecordingTimeProvider _clock;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<InformerEvent<V1ConfigMap>> _events = new();
    private Task? _run;

    public ResourceInformerTests() => _clock = new DelayRecordingTimeProvider(_time);

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
    public async Task ListsThenWatchesFromTheListsResourceVersion()
    {
        _source.Set(null, Object("a", "one", "5"), Object("b", "two", "6"));
        var informer = Start();

        var watch = await NextWatch(1);

        Assert.True(informer.HasSynced);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("101", watch.ResourceVersion);
        Assert.Null(watch.Namespace);
        Assert.Equal("5", informer.Get("a", "one")?.Metadata.ResourceVersion);
        Assert.Equal(2, informer.List().Count);
        Assert.Equal([InformerEventType.Added, InformerEventType.Added], _events.Select(e => e.Type));
    }

    [Fact]
    public async Task WatchEventsUpdateTheCacheAndCarryOldAndNewObjects()
    {
        _source.Set(null, Object("a", "one", "5"));
        var informer = Start();
        var watch = await NextWatch(1);
        _events.Clear();

        watch.Send(WatchEventType.Added, Object("a", "two", "7"));
        watch.Send(WatchEventType.Modified, Object("a", "one", "8"));
        watch.Send(WatchEventType.Deleted, Object("a", "two", "9"));
        await Eventually.True(() => _events.Count == 3, "three changes arrived");

        var changes = _events.ToArray();
        Assert.Equal(InformerEventType.Added, changes[0].Type);
        Assert.Equal(InformerEventType.Modified, changes[1].Type);
        Assert.Equal("5", changes[1].OldObject?.Metadata.ResourceVersion);
        Assert.Equal("8", changes[1].NewObject?.Metadata.ResourceVersion);
        Assert.Equal(InformerEventType.Deleted, changes[2].Type);
        Assert.Null(changes[2].NewObject);
        Assert.Equal("two", changes[2].Object.Metadata.Name);
        Assert.Null(informer.Get("a", "two"));
        Assert.Equal("8", informer.Get("a", "one")?.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task AnEndedWatchResumesFromTheLastResourceVersionIncludingBookmarksWithoutRelisting()
    {
        _source.Set(null, Object("a", "one", "5"));
        var informer = Start();
        var first = await NextWatch(1);

        first.Send(WatchEventType.Modified, Object("a", "one", "150"));
        first.Send(WatchEventType.Bookmark, Bookmark("170"));
        first.Close();
        var second = await NextWatch(2);

        Assert.Equal("170", second.ResourceVersion);
        second.Send(WatchEventType.Bookmark, Bookmark("180"));
        second.Close();
        var third = await NextWatch(3);
        Assert.Equal("180", third.ResourceVersion);
        Assert.Equal(1, informer.ListCount);
        Assert.Single(_source.Lists);
    }

    [Fact]
    public async Task GoneAsAnErrorEventRelistsAndTheCacheMatchesTheServerAfterwards()
    {
        _source.Set(null, Object("a", "kept", "5"), Object("a", "changed", "6"), Object("a", "vanished", "7"));
        var informer = Start();
        var watch = await NextWatch(1);
        _events.Clear();

        // While the watch was broken: one object changed, one was deleted, one was created.
        _source.Set(null, Object("a", "kept", "5"), Object("a", "changed", "60"), Object("a", "created", "61"));
        watch.SendError(new KubernetesException(new V1Status { Code = 410, Reason = "Expired", Message = "too old resource version" }));
        watch.Close();
        var relisted = await NextWatch(2);

        Assert.Equal(2, informer.ListCount);
        Assert.Equal("102", relisted.ResourceVersion);
        Assert.Equal(["changed", "created", "kept"], informer.List().Select(o => o.Metadata.Name).Order());
        var changes = _events.ToArray();
        Assert.Equal(3, changes.Length);
        Assert.Contains(changes, c => c.Type == InformerEventType.Modified && c.NewObject?.Metadata.Name == "changed" && c.OldObject?.Metadata.ResourceVersion == "6");
        Assert.Contains(changes, c => c.Type == InformerEventType.Added && c.NewObject?.Metadata.Name == "created");
        Assert.Contains(changes, c => c.Type == InformerEventType.Deleted && c.OldObject?.Metadata.Name == "vanished");
    }

    [Fact]
    public async Task GoneAsAnHttpStatusRelists()
    {
        _source.Set(null, Object("a", "one", "5"));
        var informer = Start();
        var watch = await NextWatch(1);

        watch.Fail(new HttpOperationException("gone")
        {
            Response = new HttpResponseMessageWrapper(new HttpResponseMessage(HttpStatusCode.Gone), string.Empty),
        });
        await NextWatch(2);

        Assert.Equal(2, informer.ListCount);
    }

    [Fact]
    public async Task OtherErrorsReconnectAfterAJitteredBackoffFromTheSameResourceVersion()
    {
        _source.Set(null, Object("a", "one", "5"));
        var informer = Start();
        var watch = await NextWatch(1);
        watch.Send(WatchEventType.Bookmark, Bookmark("120"));

        var timersBefore = _clock.DueTimes.Count;
        watch.Fail(new HttpRequestException("connection reset"));
        await Eventually.True(() => _clock.DueTimes.Count > timersBefore, "the informer waits before reconnecting");
        var delay = _clock.DueTimes.ElementAt(timersBefore);

        // The first delay is between half and all of the 1 s initial backoff; it reconnects only once it has passed.
        Assert.InRange(delay, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(1000));
        _time.Advance(delay - TimeSpan.FromMilliseconds(1));
        Assert.Single(_source.Watches);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await NextWatch(2);
        Assert.Equal("120", _source.Watches.ElementAt(1).ResourceVersion);
        Assert.Equal(1, informer.ListCount);
    }

    [Fact]
    public async Task EachNamespaceIsListedAndWatchedOnItsOwnAndRelistsOnlyItsOwnObjects()
    {
        _source.Set("a", Object("a", "one", "5"));
        _source.Set("b", Object("b", "two", "6"));
        var informer = Start(["a", "b"]);
        await NextWatch(2);
        Assert.True(informer.HasSynced);
        var watchOfA = _source.Watches.Single(w => w.Namespace == "a");

        _source.Set("a");
        watchOfA.SendError(new KubernetesException(new V1Status { Code = 410 }));
        watchOfA.Close();
        await NextWatch(3);

        Assert.Equal(2, _source.Lists.Count(l => l.Namespace == "a"));
        Assert.Equal(1, _source.Lists.Count(l => l.Namespace == "b"));
        Assert.Null(informer.Get("a", "one"));
        Assert.NotNull(informer.Get("b", "two"));
        Assert.Single(informer.List("b"));
    }

    [Fact]
    public async Task AListSpanningSeveralPagesFillsTheWholeCache()
    {
        _source.PageSize = 2;
        _source.Set(null, [.. Enumerable.Range(0, 5).Select(i => Object("a", $"o{i}", $"{i + 1}"))]);
        var informer = Start();

        await NextWatch(1);

        Assert.Equal(5, informer.List().Count);
        Assert.Equal([null, "2", "4"], _source.Lists.Select(l => l.Continue));
    }

    [Fact]
    public async Task AFailingSubscriberDoesNotStopOthersOrTheInformer()
    {
        _source.Set(null, Object("a", "one", "5"));
        var informer = new ResourceInformer<V1ConfigMap>(_source, null, _time, NullLogger<ResourceInformer<V1ConfigMap>>.Instance);
        informer.Changed += _ => throw new InvalidOperationException("subscriber bug");
        informer.Changed += _events.Enqueue;
        _run = informer.RunAsync(_stop.Token);

        var watch = await NextWatch(1);
        watch.Send(WatchEventType.Added, Object("a", "two", "7"));

        await Eventually.True(() => _events.Count == 2, "both changes reached the second subscriber");
    }

    private ResourceInformer<V1ConfigMap> Start(IEnumerable<string>? namespaces = null)
    {
        var informer = new ResourceInformer<V1ConfigMap>(_source, namespaces, _clock, NullLogger<ResourceInformer<V1ConfigMap>>.Instance);
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
