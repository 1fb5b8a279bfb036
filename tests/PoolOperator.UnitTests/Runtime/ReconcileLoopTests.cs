using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PoolOperator.Runtime.Queue;
using Xunit;

namespace PoolOperator.UnitTests.Runtime;

public sealed class ReconcileLoopTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly WorkQueue<string> _queue;
    private readonly CancellationTokenSource _stop = new();

    public ReconcileLoopTests() => _queue = new WorkQueue<string>(_time);

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
        _queue.Dispose();
    }

    [Fact]
    public async Task NoMoreThanMaxConcurrentReconcilesRunAtOnce()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int active = 0, maxActive = 0, started = 0, finished = 0;
        var run = Start(2, async (_, _) =>
        {
            Interlocked.Increment(ref started);
            var now = Interlocked.Increment(ref active);
            InterlockedMax(ref maxActive, now);
            await gate.Task;
            Interlocked.Decrement(ref active);
            Interlocked.Increment(ref finished);
            return ReconcileResult.Done;
        });

        foreach (var key in new[] { "a", "b", "c", "d", "e" })
        {
            _queue.Add(key);
        }

        await Eventually.True(() => Volatile.Read(ref started) == 2, "two reconciles started");
        Assert.Equal(3, _queue.Length);
        Assert.Equal(2, Volatile.Read(ref started));

        gate.SetResult();
        await Eventually.True(() => Volatile.Read(ref finished) == 5, "all five keys reconciled");
        Assert.Equal(2, maxActive);
        await StopAsync(run);
    }

    [Fact]
    public async Task AKeyIsNeverReconciledTwiceAtOnceAndIsRerunAfterwardsIfChangedMeanwhile()
    {
        var gates = new ConcurrentQueue<TaskCompletionSource>();
        int started = 0, finished = 0;
        var run = Start(4, async (_, _) =>
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            gates.Enqueue(gate);
            Interlocked.Increment(ref started);
            await gate.Task;
            Interlocked.Increment(ref finished);
            return ReconcileResult.Done;
        });

        _queue.Add("a");
        await Eventually.True(() => Volatile.Read(ref started) == 1, "the first reconcile of a started");

        _queue.Add("a");
        _queue.Add("a");

        // Three idle workers, but the key is in flight: nothing may be handed out.
        Assert.Equal(0, _queue.Length);
        Assert.Equal(1, Volatile.Read(ref started));

        Release(gates);
        await Eventually.True(() => Volatile.Read(ref started) == 2, "the second reconcile of a started");
        Release(gates);
        await Eventually.True(() => Volatile.Read(ref finished) == 2 && _queue.InFlight == 0, "both reconciles finished");

        Assert.Equal(2, Volatile.Read(ref started));
        Assert.Equal(0, _queue.Length);
        await StopAsync(run);
    }

    [Fact]
    public async Task AFailingReconcileIsRetriedWithGrowingBackoffAndSuccessResetsIt()
    {
        var calls = 0;
        var run = Start(1, (_, _) =>
        {
            var call = Interlocked.Increment(ref calls);
            return call <= 2
                ? Task.FromException<ReconcileResult>(new InvalidOperationException($"failure {call}"))
                : Task.FromResult(ReconcileResult.Done);
        });

        _queue.Add("a");
        await Eventually.True(() => Volatile.Read(ref calls) == 1 && _queue.Delayed == 1 && _queue.InFlight == 0, "the first failure was requeued");
        Assert.Equal(1, _queue.NumRequeues("a"));

        _time.Advance(TimeSpan.FromMilliseconds(4));
        Assert.Equal(0, _queue.Length);
        Assert.Equal(1, Volatile.Read(ref calls));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.True(() => Volatile.Read(ref calls) == 2 && _queue.Delayed == 1 && _queue.InFlight == 0, "the second failure was requeued");
        Assert.Equal(2, _queue.NumRequeues("a"));

        _time.Advance(TimeSpan.FromMilliseconds(9));
        Assert.Equal(2, Volatile.Read(ref calls));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.True(() => Volatile.Read(ref calls) == 3 && _queue.InFlight == 0, "the third attempt ran");

        Assert.Equal(0, _queue.NumRequeues("a"));
        Assert.Equal(0, _queue.Delayed);
        await StopAsync(run);
    }

    [Fact]
    public async Task RequeueAfterReconcilesTheKeyAgainWhenDue()
    {
        var calls = 0;
        var run = Start(1, (_, _) =>
        {
            Interlocked.Increment(ref calls);
            return Task.FromResult(ReconcileResult.After(TimeSpan.FromSeconds(30)));
        });

        _queue.Add("a");
        await Eventually.True(() => Volatile.Read(ref calls) == 1 && _queue.Delayed == 1 && _queue.InFlight == 0, "the key was scheduled again");

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(1, Volatile.Read(ref calls));
        _time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.True(() => Volatile.Read(ref calls) == 2, "the key was reconciled again after 30 s");
        await StopAsync(run);
    }

    [Fact]
    public async Task StoppingCancelsInFlightReconcilesAndKeepsTheirKeys()
    {
        var started = 0;
        var run = Start(2, async (_, ct) =>
        {
            Interlocked.Increment(ref started);
            await Task.Delay(Timeout.Infinite, ct);
            return ReconcileResult.Done;
        });

        _queue.Add("a");
        await Eventually.True(() => Volatile.Read(ref started) == 1, "the reconcile started");

        await StopAsync(run);

        Assert.Equal(0, _queue.InFlight);
        Assert.Equal(1, _queue.Length);
    }

    [Fact]
    public async Task IsWedgedWhenReadyWorkMakesNoProgress()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        var loop = new ReconcileLoop<string>(_queue, async (_, _) =>
        {
            Interlocked.Increment(ref started);
            await gate.Task;
            return ReconcileResult.Done;
        }, 1, _time, NullLogger.Instance);
        var run = loop.RunAsync(_stop.Token);

        _queue.Add("stuck");
        await Eventually.True(() => Volatile.Read(ref started) == 1, "the reconcile started");
        _queue.Add("waiting");

        Assert.False(loop.IsWedged(TimeSpan.FromMinutes(5), out _));
        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.True(loop.IsWedged(TimeSpan.FromMinutes(5), out var detail));
        Assert.Contains("ready", detail, StringComparison.Ordinal);

        gate.SetResult();
        await Eventually.True(() => Volatile.Read(ref started) == 2 && _queue.InFlight == 0, "the waiting key was reconciled");
        Assert.False(loop.IsWedged(TimeSpan.FromMinutes(5), out _));
        await StopAsync(run);
    }

    [Fact]
    public async Task ReconcilesStartedCountsEveryReconcileIncludingFailedOnes()
    {
        var calls = 0;
        var loop = new ReconcileLoop<string>(_queue, (key, _) =>
        {
            Interlocked.Increment(ref calls);
            return key == "bad" ? throw new InvalidOperationException("boom") : Task.FromResult(ReconcileResult.Done);
        }, 2, _time, NullLogger.Instance);
        Assert.Equal(0, loop.ReconcilesStarted);
        var run = loop.RunAsync(_stop.Token);

        _queue.Add("a");
        _queue.Add("b");
        _queue.Add("bad");
        await Eventually.True(() => Volatile.Read(ref calls) == 3 && _queue.InFlight == 0, "three reconciles finished");

        Assert.Equal(3, loop.ReconcilesStarted);
        await StopAsync(run);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static void Release(ConcurrentQueue<TaskCompletionSource> gates)
    {
        Assert.True(gates.TryDequeue(out var gate));
        gate.SetResult();
    }

    private Task Start(int workers, Func<string, CancellationToken, Task<ReconcileResult>> reconcile) =>
        new ReconcileLoop<string>(_queue, reconcile, workers, _time, NullLogger.Instance).RunAsync(_stop.Token);

    private async Task StopAsync(Task run)
    {
        await _stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
