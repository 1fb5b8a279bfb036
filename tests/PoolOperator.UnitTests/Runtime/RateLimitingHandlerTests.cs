using System.Net;
using PoolOperator.Runtime.Client;
using Xunit;

namespace PoolOperator.UnitTests.Runtime;

public sealed class RateLimitingHandlerTests
{
    [Fact]
    public async Task RequestsBeyondTheBurstWaitForTheNextToken()
    {
        var inner = new RecordingApiHandler((_, _) => (HttpStatusCode.OK, "{}"));
        inner.InnerHandler = new HttpClientHandler();
        using var client = new HttpClient(new RateLimitingHandler(KubernetesClientFactory.CreateLimiter(qps: 1, burst: 2)) { InnerHandler = inner });

        var first = client.GetAsync(new Uri("http://127.0.0.1:1/a"));
        var second = client.GetAsync(new Uri("http://127.0.0.1:1/b"));
        var third = client.GetAsync(new Uri("http://127.0.0.1:1/c"));

        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(third.IsCompleted);
        Assert.Equal(2, inner.Requests.Count);

        await third.WaitAsync(TimeSpan.FromSeconds(5));
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
