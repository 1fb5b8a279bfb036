using System.Diagnostics;
using System.Net;
using PoolOperator.Runtime.Client;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.UnitTests.Runtime;

public sealed class RateLimitingHandlerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RequestsBeyondTheBurstWaitForTheNextToken()
    {
        var inner = new RecordingApiHandler((_, _) => (HttpStatusCode.OK, "{}"));
        inner.InnerHandler = new HttpClientHandler();
        // One token every 4 s: the first two requests must be through well before the next one arrives, even on a
        // loaded machine (they take milliseconds; docs/benchmarks.md, "Durations the tests assert").
        var clock = Stopwatch.StartNew();
        using var client = new HttpClient(new RateLimitingHandler(KubernetesClientFactory.CreateLimiter(qps: 0.25, burst: 2)) { InnerHandler = inner });

        var first = client.GetAsync(new Uri("http://127.0.0.1:1/a"));
        var second = client.GetAsync(new Uri("http://127.0.0.1:1/b"));
        var third = client.GetAsync(new Uri("http://127.0.0.1:1/c"));

        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30));
        var burstDone = clock.Elapsed;
        Assert.False(third.IsCompleted, $"the third request went through {burstDone.TotalMilliseconds:F0} ms after the limiter was made");
        Assert.Equal(2, inner.Requests.Count);

        await third.WaitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"burst of 2 through after {burstDone.TotalMilliseconds:F0} ms (bound 4 s, the next token); third after {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(3, inner.Requests.Count);
    }

    [Fact]
    public void TheBurstIsAvailableAtOnceAndNoMore()
    {
        using var limiter = KubernetesClientFactory.CreateLimiter(qps: 0.5, burst: 5);

        for (var i = 0; i < 5; i++)
        {
            Assert.True(limiter.AttemptAcquire().IsAcquired);
        }

        Assert.False(limiter.AttemptAcquire().IsAcquired);
    }
}
