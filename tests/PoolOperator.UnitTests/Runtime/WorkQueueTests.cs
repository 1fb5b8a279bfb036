using Microsoft.Extensions.Time.Testing;
using PoolOperator.Runtime.Queue;
using Xunit;

namespace PoolOperator.UnitTests.Runtime;

public sealed class WorkQueueTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly WorkQueue<string> _queue;

    public WorkQueueTests() => _queue = new WorkQueue<string>(_time);

    public void Dispose() => _queue.Dispose();

    [Fact]
    public async Task Add_DeduplicatesAKeyWhileItWaits()
    {
        _queue.Add("a");
        _queue.Add("b");
        _queue.Add("a");

        Assert.Equal(2, _queue.Length);
        Assert.Equal("a", await Take());
        Assert.Equal("b", await Take());
        Assert.Equal(0, _queue.Length);
    }

    [Fact]
    public async Task AKeyInFlightIsNotHandedOutAgainUntilDone()
    {
        _queue.Add("a");
        var first = await Take();

        _queue.Add("a");

        Assert.Equal(0, _queue.Length);
        var second = _queue.GetAsync(CancellationToken.None);
        Assert.False(second.IsCompleted);

        _queue.Done(first);

        Assert.Equal("a", await second.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task AKeyAddedManyTimesWhileInFlightIsProcessedExactlyOnceMore()
    {
        _queue.Add("a");
        var key = await Take();
        _queue.Add("a");
        _queue.Add("a");
        _queue.Add("a");

        _queue.Done(key);

        Assert.Equal(1, _queue.Length);
        _queue.Done(await Take());
        Assert.Equal(0, _queue.Length);
        Assert.Equal(0, _queue.InFlight);
    }

    [Fact]
    public async Task OtherKeysAreServedWhileOneIsInFlight()
    {
        _queue.Add("a");
        _queue.Add("b");
        var a = await Take();
        _queue.Add("a");

        Assert.Equal("b", await Take());
        Assert.Equal("a", a);
        Assert.Equal(2, _queue.InFlight);
    }

    [Fact]
    public async Task AddRateLimited_BackoffDoublesPerKeyFromFiveMilliseconds()
    {
        var expected = new[] { 5, 10, 20, 40, 80 };
        foreach (var ms in expected)
        {
            _queue.AddRateLimited("a");
            AssertReadyAfter(TimeSpan.FromMilliseconds(ms));
            await Drain();
        }

        Assert.Equal(5, _queue.NumRequeues("a"));

        // Another key has its own count.
        _queue.AddRateLimited("b");
        AssertReadyAfter(TimeSpan.FromMilliseconds(5));
    }

    [Fact]
    public async Task Forget_ResetsTheBackoffOfThatKeyOnly()
    {
        for (var i = 0; i < 4; i++)
        {
            _queue.AddRateLimited("a");
            _queue.AddRateLimited("b");
            _time.Advance(TimeSpan.FromMinutes(1));
            await Drain();
        }

        _queue.Forget("a");

        Assert.Equal(0, _queue.NumRequeues("a"));
        Assert.Equal(4, _queue.NumRequeues("b"));
        _queue.AddRateLimited("a");
        AssertReadyAfter(TimeSpan.FromMilliseconds(5));
        await Drain();
        _queue.AddRateLimited("b");
        AssertReadyAfter(TimeSpan.FromMilliseconds(80));
    }

    [Fact]
    public async Task AddRateLimited_IsCappedAtFiveMinutes()
    {
        for (var i = 0; i < 40; i++)
        {
            _queue.AddRateLimited("a");
            _time.Advance(TimeSpan.FromMinutes(5));
            await Drain();
        }

        _queue.AddRateLimited("a");
        AssertReadyAfter(TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task AddAfter_ReleasesKeysInDueOrder()
    {
        _queue.AddAfter("late", TimeSpan.FromSeconds(3));
        _queue.AddAfter("early", TimeSpan.FromSeconds(1));
        _queue.AddAfter("middle", TimeSpan.FromSeconds(2));
        Assert.Equal(3, _queue.Delayed);

        _time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal("early", await Take());
        Assert.Equal("middle", await Take());
        Assert.Equal("late", await Take());
        Assert.Equal(0, _queue.Delayed);
    }

    [Fact]
    public async Task AddAfter_AnEarlierDueTimeReplacesALaterOne()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(10));
        _queue.AddAfter("a", TimeSpan.FromSeconds(2));

        AssertReadyAfter(TimeSpan.FromSeconds(2));
        await Drain();

        // The superseded 10 s entry must not bring the key back.
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(0, _queue.Length);
        Assert.Equal(0, _queue.Delayed);
    }

    [Fact]
    public void AddAfter_ALaterDueTimeDoesNotPostponeAnEarlierOne()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(2));
        _queue.AddAfter("a", TimeSpan.FromSeconds(10));

        AssertReadyAfter(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void AddAfter_WhenTheKeyIsAlreadyWaitingItIsNotDuplicated()
    {
        _queue.Add("a");
        _queue.AddAfter("a", TimeSpan.FromSeconds(1));

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, _queue.Length);
    }

    [Fact]
    public void AddAfter_ZeroDelayAddsAtOnce()
    {
        _queue.AddAfter("a", TimeSpan.Zero);

        Assert.Equal(1, _queue.Length);
    }

    [Fact]
    public async Task GetAsync_HonoursCancellation()
    {
        using var cts = new CancellationTokenSource();
        var waiting = _queue.GetAsync(cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        // A cancelled wait must not swallow the next key.
        _queue.Add("a");
        Assert.Equal("a", await Take());
    }

    private void AssertReadyAfter(TimeSpan delay)
    {
        var tick = TimeSpan.FromMilliseconds(1);
        _time.Advance(delay - tick);
        Assert.Equal(0, _queue.Length);
        _time.Advance(tick);
        Assert.Equal(1, _queue.Length);
    }

    private async Task Drain()
    {
        while (_queue.Length > 0)
        {
            _queue.Done(await Take());
        }
    }

    private Task<string> Take() => _queue.GetAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
}
