using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PoolOperator.Runtime;
using PoolOperator.Runtime.Informers;
using PoolOperator.Runtime.Queue;
using Xunit;
using static PoolOperator.UnitTests.Runtime.FakeResourceSource;

namespace PoolOperator.UnitTests.Runtime;

public sealed class ControllerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task ASecondaryChangeQueuesTheOwnersOfBothTheOldAndTheNewObject()
    {
        var source = new FakeResourceSource();
        source.Set(null, Owned("a", "pod-1", owner: "m1"));
        var informer = new ResourceInformer<V1ConfigMap>(source, null, _time, NullLogger<ResourceInformer<V1ConfigMap>>.Instance);
        var controller = new Controller<string>("test", (_, _) => Task.FromResult(ReconcileResult.Done), 1, _time, NullLoggerFactory.Instance)
            .Watch(informer, o => o.Metadata.Labels?.TryGetValue("owner", out var owner) == true ? [owner] : []);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await Eventually.True(() => source.Watches.Count == 1, "the informer is watching");
        Assert.Equal(["m1"], await DrainAsync(controller.Queue));

        // The object moved from one owner to another: both must look again.
        source.Watches.Single().Send(WatchEventType.Modified, Owned("a", "pod-1", owner: "m2", resourceVersion: "9"));
        await Eventually.True(() => controller.Queue.Length == 2, "both owners were queued");

        Assert.Equal(["m1", "m2"], (await DrainAsync(controller.Queue)).Order());
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AFailingMapperIsContainedAndLaterChangesStillArrive()
    {
        var source = new FakeResourceSource();
        var informer = new ResourceInformer<V1ConfigMap>(source, null, _time, NullLogger<ResourceInformer<V1ConfigMap>>.Instance);
        var controller = new Controller<string>("test", (_, _) => Task.FromResult(ReconcileResult.Done), 1, _time, NullLoggerFactory.Instance)
            .Watch(informer, o => o.Metadata.Name == "bad" ? throw new InvalidOperationException("mapper bug") : [o.Metadata.Name]);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await Eventually.True(() => source.Watches.Count == 1, "the informer is watching");

        source.Watches.Single().Send(WatchEventType.Added, Object("a", "bad", "5"));
        source.Watches.Single().Send(WatchEventType.Added, Object("a", "good", "6"));
        await Eventually.True(() => controller.Queue.Length == 1, "the good object was queued");

        Assert.Equal(["good"], await DrainAsync(controller.Queue));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static V1ConfigMap Owned(string ns, string name, string owner, string resourceVersion = "5")
    {
        var obj = Object(ns, name, resourceVersion);
        obj.Metadata.Labels = new Dictionary<string, string> { ["owner"] = owner };
        return obj;
    }

    private static async Task<List<string>> DrainAsync(WorkQueue<string> queue)
    {
        var keys = new List<string>();
        while (queue.Length > 0)
        {
            var key = await queue.GetAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            keys.Add(key);
            queue.Done(key);
        }

        return keys;
    }
}
