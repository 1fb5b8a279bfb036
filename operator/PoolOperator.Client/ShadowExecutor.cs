using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace PoolOperator.Client;

/// <summary>
/// Runs shadow calls on V2 in the background: at most <see cref="ShadowOptions.MaxConcurrency"/> at once, each cut
/// off at <see cref="ShadowOptions.Timeout"/>, with at most <see cref="ShadowOptions.QueueCapacity"/> waiting. A
/// call that finds the queue full is dropped and counted: shadowing sheds load rather than build it up. Nothing here
/// runs on, waits for, or throws into the caller's path.
/// </summary>
internal sealed partial class ShadowExecutor : IAsyncDisposable
{
    private readonly Channel<ShadowWork> queue;
    private readonly ShadowOptions options;
    private readonly ResultComparer comparer;
    private readonly ShadowStatistics statistics;
    private readonly PoolMigrationMetrics metrics;
    private readonly Func<string> migration;
    private readonly Action<ShadowComparison> completed;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task[] workers;

    public ShadowExecutor(
        ShadowOptions options,
        ResultComparer comparer,
        ShadowStatistics statistics,
        PoolMigrationMetrics metrics,
        Func<string> migration,
        Action<ShadowComparison> completed,
        TimeProvider time,
        ILogger logger)
    {
        this.options = options;
        this.comparer = comparer;
        this.statistics = statistics;
        this.metrics = metrics;
        this.migration = migration;
        this.completed = completed;
        this.time = time;
        this.logger = logger;
        queue = Channel.CreateBounded<ShadowWork>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = options.MaxConcurrency == 1,
            SingleWriter = false,
        });
        workers = [.. Enumerable.Range(0, options.MaxConcurrency).Select(_ => Task.Run(WorkAsync))];
    }

    /// <summary>Queues <paramref name="work"/>, or drops it when the queue is full; never blocks.</summary>
    public bool TryEnqueue(ShadowWork work)
    {
        if (queue.Writer.TryWrite(work))
        {
            return true;
        }

        statistics.Dropped();
        metrics.Dropped(migration());
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(workers).ConfigureAwait(false);
        stopping.Dispose();
    }

    private async Task WorkAsync()
    {
        try
        {
            await foreach (var work in queue.Reader.ReadAllAsync(stopping.Token).ConfigureAwait(false))
            {
                await RunAsync(work).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down: queued shadow calls are dropped with the process.
        }
    }

    private async Task RunAsync(ShadowWork work)
    {
        using var deadline = new CancellationTokenSource(options.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, stopping.Token);
        var started = time.GetTimestamp();
        var v2 = StartV2(work, linked.Token);
        CallOutcome v2Outcome;
        try
        {
            v2Outcome = await v2.WaitAsync(options.Timeout, time, stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }
        catch (TimeoutException) when (!v2.IsCompleted || deadline.IsCancellationRequested)
        {
            // Both clocks run out together: the deadline may have cancelled V2 before this filter runs.
            v2Outcome = CallOutcome.Timeout(options.Timeout);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            v2Outcome = CallOutcome.Timeout(options.Timeout);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            v2Outcome = CallOutcome.Failure(ex);
        }

        var elapsed = time.GetElapsedTime(started);
        Compare(work, v2Outcome, elapsed);

        // The slot stays taken until V2 really ends, so a V2 that ignores cancellation cannot exceed MaxConcurrency.
        try
        {
            await v2.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Already recorded as V2's outcome above.
        }
    }

    private static Task<CallOutcome> StartV2(ShadowWork work, CancellationToken cancellationToken)
    {
        try
        {
            return work.RunV2Async(cancellationToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A V2 delegate that throws before its first await.
            return Task.FromException<CallOutcome>(ex);
        }
    }

    private void Compare(ShadowWork work, CallOutcome v2Outcome, TimeSpan elapsed)
    {
        CallOutcome v1Outcome;
        try
        {
            v1Outcome = work.V1Outcome();
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or System.Text.Json.JsonException)
        {
            LogUncomparable(logger, work.Operation, ex.Message);
            return;
        }

        var result = comparer.Compare(v1Outcome, v2Outcome);
        var comparison = new ShadowComparison(work.SessionKey, work.Operation, v1Outcome, v2Outcome, result, elapsed, time.GetUtcNow());
        statistics.Record(comparison);
        metrics.Compared(migration(), result, elapsed);
        if (!result.IsMatch && logger.IsEnabled(LogLevel.Debug))
        {
            var first = result.Differences[0];
            LogMismatch(logger, work.Operation, work.SessionKey, result.Category?.ToLabel() ?? "", result.Differences.Count, first.Path, first.V1 ?? "(absent)", first.V2 ?? "(absent)");
        }

        try
        {
            completed(comparison);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogHandlerFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shadow mismatch in {Operation} for session {SessionKey}: {Category}, {Count} difference(s), first at {Path}: v1 {V1} v2 {V2}")]
    private static partial void LogMismatch(ILogger logger, string operation, string sessionKey, string category, int count, string path, string v1, string v2);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A shadow result of {Operation} cannot be turned into JSON, so it was not compared: {Reason}")]
    private static partial void LogUncomparable(ILogger logger, string operation, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A ComparisonCompleted handler threw")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);
}
