using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace PoolOperator.Client.Tests;

public sealed class CircuitBreakerTests
{
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task V2_failing_past_the_threshold_sends_its_calls_to_V1_until_a_trial_succeeds()
    {
        var time = new FakeTimeProvider();
        var logs = new RecordingLoggerProvider();
        await using var client = BreakerClient(time, logs);
        using var metrics = new MetricRecorder(client.Meter);
        var states = new List<BreakerState>();
        client.BreakerStateChanged += (_, state) => states.Add(state);
        var v2Calls = 0;
        var v2Healthy = false;
        ValueTask<string> V2(CancellationToken ct)
        {
            v2Calls++;
            return v2Healthy ? ValueTask.FromResult("v2") : ValueTask.FromException<string>(new HttpRequestException("V2 is down"));
        }

        // While closed, V2's failures reach the caller.
        await Assert.ThrowsAsync<HttpRequestException>(async () => await client.ExecuteAsync("s-1", V1, V2));
        await Assert.ThrowsAsync<HttpRequestException>(async () => await client.ExecuteAsync("s-2", V1, V2));
        Assert.Equal(BreakerState.Open, client.BreakerState);
        Assert.Equal([BreakerState.Open], states);
        Assert.Equal(1, metrics.Observe("poolmigration.breaker.state"));
        Assert.Equal(1, metrics.Sum("poolmigration.breaker.transitions", ("state", "open")));
        Assert.Contains(logs.Warnings, w => w.Contains("Circuit breaker opened", StringComparison.Ordinal));

        // Open: V2's share goes to V1, and V2 is not called.
        Assert.Equal(new PoolDecision(Pool.V1, DecisionReason.BreakerOpen, false), client.Decide("s-3"));
        Assert.Equal("v1", await client.ExecuteAsync("s-3", V1, V2));
        Assert.Equal(2, v2Calls);
        // Both the decision and the call are counted.
        Assert.Equal(2, metrics.Sum("poolmigration.selections", ("pool", "v1"), ("reason", "breaker_open")));

        // After the break one trial call goes to V2; V2 has recovered, so the breaker closes.
        time.Advance(BreakDuration);
        v2Healthy = true;
        Assert.Equal("v2", await client.ExecuteAsync("s-4", V1, V2));
        Assert.Equal(BreakerState.Closed, client.BreakerState);
        Assert.Equal([BreakerState.Open, BreakerState.HalfOpen, BreakerState.Closed], states);
        Assert.Equal(0, metrics.Observe("poolmigration.breaker.state"));
        Assert.Equal(new PoolDecision(Pool.V2, DecisionReason.Percentage, false), client.Decide("s-5"));
    }

    [Fact]
    public async Task A_failed_trial_opens_the_breaker_again()
    {
        var time = new FakeTimeProvider();
        await using var client = BreakerClient(time);
        static ValueTask<string> Failing(CancellationToken ct) => ValueTask.FromException<string>(new TimeoutException());

        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<TimeoutException>(async () => await client.ExecuteAsync("s", V1, Failing));
        }

        time.Advance(BreakDuration);
        await Assert.ThrowsAsync<TimeoutException>(async () => await client.ExecuteAsync("s", V1, Failing));

        Assert.Equal(BreakerState.Open, client.BreakerState);
        Assert.Equal("v1", await client.ExecuteAsync("s", V1, Failing));
    }

    [Fact]
    public async Task Failures_below_the_ratio_keep_the_breaker_closed()
    {
        var time = new FakeTimeProvider();
        await using var client = BreakerClient(time, configure: o => o.Breaker.MinimumThroughput = 4);
        var call = 0;
        ValueTask<string> SometimesFailing(CancellationToken ct) =>
            ++call % 4 == 0 ? ValueTask.FromException<string>(new InvalidOperationException()) : ValueTask.FromResult("v2");

        for (var i = 0; i < 12; i++)
        {
            try
            {
                await client.ExecuteAsync("s", V1, SometimesFailing);
            }
            catch (InvalidOperationException)
            {
                // One call in four fails: 25% is below the 50% ratio.
            }
        }

        Assert.Equal(BreakerState.Closed, client.BreakerState);
    }

    [Fact]
    public async Task Isolating_V2_by_hand_holds_every_call_on_V1_until_reset()
    {
        await using var client = BreakerClient(new FakeTimeProvider());

        await client.IsolateV2Async();
        Assert.Equal(BreakerState.Isolated, client.BreakerState);
        Assert.Equal("v1", await client.ExecuteAsync("s", V1, _ => ValueTask.FromResult("v2")));

        await client.ResetBreakerAsync();
        Assert.Equal("v2", await client.ExecuteAsync("s", V1, _ => ValueTask.FromResult("v2")));
    }

    [Fact]
    public async Task A_forced_V2_call_bypasses_an_open_breaker()
    {
        await using var client = BreakerClient(new FakeTimeProvider());
        await client.IsolateV2Async();

        Assert.Equal("v2", await client.ExecuteAsync("s", V1, _ => ValueTask.FromResult("v2"), force: Pool.V2));
    }

    private static ValueTask<string> V1(CancellationToken cancellationToken) => ValueTask.FromResult("v1");

    private static PoolMigrationClient BreakerClient(FakeTimeProvider time, RecordingLoggerProvider? logs = null, Action<PoolMigrationOptions>? configure = null)
    {
        var client = Documents.Client(o =>
        {
            o.Breaker.MinimumThroughput = 2;
            o.Breaker.FailureRatio = 0.5;
            o.Breaker.SamplingDuration = TimeSpan.FromSeconds(10);
            o.Breaker.BreakDuration = BreakDuration;
            configure?.Invoke(o);
        }, time, logs);
        client.ApplyDocument(Documents.Rollout(100));
        return client;
    }
}
