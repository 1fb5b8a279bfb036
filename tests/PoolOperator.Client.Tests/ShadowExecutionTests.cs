using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.Client.Tests;

public sealed class ShadowExecutionTests(ITestOutputHelper output)
{
    private const string V1Answer = """{"price":10,"currency":"EUR"}""";

    [Fact]
    public async Task V1_answers_without_waiting_for_a_slow_V2()
    {
        const int calls = 12;
        await using var client = ShadowClient(o =>
        {
            o.Shadow.MaxConcurrency = calls;
            o.Shadow.Timeout = TimeSpan.FromSeconds(30);
        });
        var v2Finished = 0;
        var comparisons = CollectComparisons(client, calls);

        // V2 sleeps far longer than the primary calls take even on a loaded machine, so waiting for it cannot hide.
        var v2Sleep = TimeSpan.FromSeconds(5);
        var alone = await TimeCallsAsync(calls, i => client.ExecuteAsync($"s-{i}", V1, V1, force: Pool.V1));
        var shadowed = await TimeCallsAsync(calls, i => client.ExecuteAsync($"s-{i}", V1, async ct =>
        {
            await Task.Delay(v2Sleep, ct);
            Interlocked.Increment(ref v2Finished);
            return new Quote(10, "EUR");
        }));
        output.WriteLine($"V1 alone: median {alone.Median.TotalMilliseconds:F2} ms, max {alone.Max.TotalMilliseconds:F1} ms; " +
                         $"shadowed by a {v2Sleep.TotalSeconds:F0} s V2: median {shadowed.Median.TotalMilliseconds:F2} ms, max {shadowed.Max.TotalMilliseconds:F1} ms " +
                         "(bounds: max 2 s, median within 0.5 s of V1 alone)");

        // Every primary call returned before any V2 call finished its sleep.
        Assert.Equal(0, Volatile.Read(ref v2Finished));
        Assert.True(shadowed.Max < TimeSpan.FromSeconds(2),
            $"slowest shadowed call {shadowed.Max.TotalMilliseconds:F1} ms (V1 alone: {alone.Max.TotalMilliseconds:F1} ms)");
        Assert.True(shadowed.Median < alone.Median + TimeSpan.FromMilliseconds(500),
            $"median {shadowed.Median.TotalMilliseconds:F2} ms shadowed vs {alone.Median.TotalMilliseconds:F2} ms alone");

        var finished = await comparisons;
        Assert.All(finished, c => Assert.True(c.Result.IsMatch));
        Assert.All(finished, c => Assert.True(c.V2Duration >= v2Sleep * 0.9, $"V2 took {c.V2Duration}"));
        Assert.Equal(calls, Volatile.Read(ref v2Finished));
    }

    [Fact]
    public async Task A_full_queue_drops_shadow_calls_and_counts_them()
    {
        await using var client = ShadowClient(o =>
        {
            o.Shadow.MaxConcurrency = 1;
            o.Shadow.QueueCapacity = 1;
        });
        using var metrics = new MetricRecorder(client.Meter);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var comparisons = CollectComparisons(client, 2);
        async ValueTask<Quote> BlockedV2(CancellationToken ct)
        {
            started.TrySetResult();
            await release.Task.WaitAsync(ct);
            return new Quote(10, "EUR");
        }

        Assert.Equal(new Quote(10, "EUR"), await client.ExecuteAsync("s-1", V1, BlockedV2));
        await started.Task.WaitAsync(FlagsWaiter.Patience);
        // The only worker is busy: one call waits in the queue, the next two find it full.
        for (var i = 2; i <= 4; i++)
        {
            Assert.Equal(new Quote(10, "EUR"), await client.ExecuteAsync($"s-{i}", V1, BlockedV2));
        }

        Assert.Equal(2, client.GetShadowReport().Drops);
        Assert.Equal(2, metrics.Sum("poolmigration.shadow.drops", ("reason", "queue_full"), ("migration", "shop/session-pool")));

        release.SetResult();
        var finished = await comparisons;
        Assert.Equal(["s-1", "s-2"], finished.Select(c => c.SessionKey).Order());
        Assert.Equal(2, client.GetShadowReport().Comparisons);
    }

    [Fact]
    public async Task A_V2_exception_is_compared_and_never_reaches_the_caller()
    {
        await using var client = ShadowClient();
        using var metrics = new MetricRecorder(client.Meter);
        var comparisons = CollectComparisons(client, 1);

        var answer = await client.ExecuteAsync<Quote>("s-1", V1, _ => throw new InvalidOperationException("V2 is broken"), operation: "quote");

        Assert.Equal(new Quote(10, "EUR"), answer);
        var comparison = Assert.Single(await comparisons);
        Assert.Equal(DifferenceKind.ErrorVsSuccess, comparison.Result.Category);
        Assert.Equal("System.InvalidOperationException", comparison.V2.ExceptionType);
        Assert.Equal("quote", comparison.Operation);
        Assert.Equal(1, metrics.Sum("poolmigration.shadow.comparisons", ("outcome", "mismatch"), ("category", "error_vs_success")));
        Assert.Equal(1, metrics.Sum("poolmigration.shadow.differences", ("category", "error_vs_success")));
    }

    [Fact]
    public async Task A_V2_that_runs_past_the_timeout_is_recorded_as_a_timeout()
    {
        await using var client = ShadowClient(o => o.Shadow.Timeout = TimeSpan.FromMilliseconds(200));
        var comparisons = CollectComparisons(client, 1);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await client.ExecuteAsync("s-1", V1, async ct =>
        {
            using var registration = ct.Register(cancelled.SetResult);
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return new Quote(0, "");
        });

        var comparison = Assert.Single(await comparisons);
        Assert.Equal(DifferenceKind.Timeout, comparison.Result.Category);
        Assert.True(comparison.V2.TimedOut);
        // V2 was told to stop, not left running.
        await cancelled.Task.WaitAsync(FlagsWaiter.Patience);
    }

    [Fact]
    public async Task A_V1_exception_still_reaches_the_caller_and_is_compared()
    {
        await using var client = ShadowClient();
        var comparisons = CollectComparisons(client, 1);

        await Assert.ThrowsAsync<KeyNotFoundException>(async () =>
            await client.ExecuteAsync<Quote>("s-1", _ => throw new KeyNotFoundException("no such quote"), _ => ValueTask.FromResult(new Quote(1, "EUR"))));

        var comparison = Assert.Single(await comparisons);
        Assert.Equal(DifferenceKind.ErrorVsSuccess, comparison.Result.Category);
        Assert.Equal("System.Collections.Generic.KeyNotFoundException", comparison.V1.ExceptionType);
    }

    [Fact]
    public async Task Mismatches_are_aggregated_with_a_bounded_sample_of_the_latest()
    {
        await using var client = ShadowClient(o =>
        {
            o.Shadow.MismatchSampleSize = 3;
            o.Shadow.MaxConcurrency = 1;
            o.Comparison.IgnoredProperties = ["servedBy"];
        });
        using var metrics = new MetricRecorder(client.Meter);
        var comparisons = CollectComparisons(client, 7);

        for (var i = 0; i < 5; i++)
        {
            var price = i;
            await client.ExecuteAsync($"s-{i}", V1, _ => ValueTask.FromResult(new Quote(100 + price, "EUR")));
        }

        await client.ExecuteAsync("s-5", V1, _ => ValueTask.FromResult(new Quote(10, "EUR", "v2-pod")));
        await client.ExecuteAsync("s-6", V1, _ => ValueTask.FromResult(new Quote(10, "USD")));
        await comparisons;

        var report = client.GetShadowReport();
        Assert.Equal(7, report.Comparisons);
        Assert.Equal(1, report.Matches);
        Assert.Equal(6, report.Mismatches);
        Assert.Equal(6, report.MismatchesByCategory["value"]);
        Assert.Equal(6.0 / 7, report.MismatchRatio, 6);
        Assert.Equal(["s-3", "s-4", "s-6"], report.Samples.Select(s => s.SessionKey));
        Assert.Equal("$.currency", Assert.Single(report.Samples[^1].Result.Differences).Path);
        Assert.Equal(1, metrics.Sum("poolmigration.shadow.comparisons", ("outcome", "match"), ("category", "none")));
        Assert.Equal(6, metrics.Sum("poolmigration.shadow.comparisons", ("outcome", "mismatch"), ("category", "value")));
    }

    [Fact]
    public async Task Sessions_outside_the_shadow_share_are_not_shadowed()
    {
        await using var client = Documents.Client();
        client.ApplyDocument(Documents.Rollout(0, shadowPercent: 10, phase: "Shadowing"));
        var keys = Enumerable.Range(0, 400).Select(i => $"s-{i}").ToList();
        var expected = keys.Where(k => SessionBuckets.ShadowBucket(k) < 1000).ToList();
        var comparisons = CollectComparisons(client, expected.Count);

        foreach (var key in keys)
        {
            await client.ExecuteAsync(key, V1, V1);
        }

        var finished = await comparisons;
        Assert.Equal(expected.Order(), finished.Select(c => c.SessionKey).Order());
    }

    private static ValueTask<Quote> V1(CancellationToken cancellationToken) => ValueTask.FromResult(new Quote(10, "EUR"));

    private static PoolMigrationClient ShadowClient(Action<PoolMigrationOptions>? configure = null)
    {
        var client = Documents.Client(configure);
        client.ApplyDocument(Documents.Rollout(0, shadowPercent: 100, phase: "Shadowing"));
        return client;
    }

    private static Task<List<ShadowComparison>> CollectComparisons(PoolMigrationClient client, int count)
    {
        var collected = new List<ShadowComparison>();
        var done = new TaskCompletionSource<List<ShadowComparison>>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ComparisonCompleted += (_, comparison) =>
        {
            lock (collected)
            {
                collected.Add(comparison);
                if (collected.Count == count)
                {
                    done.TrySetResult([.. collected]);
                }
            }
        };
        return done.Task.WaitAsync(FlagsWaiter.Patience);
    }

    private static async Task<(TimeSpan Median, TimeSpan Max)> TimeCallsAsync(int calls, Func<int, ValueTask<Quote>> call)
    {
        var durations = new List<TimeSpan>();
        for (var i = 0; i < calls; i++)
        {
            var started = Stopwatch.GetTimestamp();
            Assert.Equal(new Quote(10, "EUR"), await call(i));
            durations.Add(Stopwatch.GetElapsedTime(started));
        }

        durations.Sort();
        return (durations[calls / 2], durations[^1]);
    }
}
