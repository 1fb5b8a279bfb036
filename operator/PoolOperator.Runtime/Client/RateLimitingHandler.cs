using System.Threading.RateLimiting;

namespace PoolOperator.Runtime.Client;

/// <summary>Delays each request until the limiter grants it a permit; only the start of a request is limited.</summary>
internal sealed class RateLimitingHandler(RateLimiter limiter) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // A token bucket's permits are never returned, so the lease is released at once: a watch that streams for
        // minutes holds nothing and does not hold up other requests.
        using (var lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false))
        {
            if (!lease.IsAcquired)
            {
                throw new HttpRequestException("Client-side rate limit queue is full; request rejected.");
            }
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            limiter.Dispose();
        }

        base.Dispose(disposing);
    }
}
