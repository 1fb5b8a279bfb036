using System.Collections.Concurrent;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>Counts the requests a client sends, watches apart (they stay open and are not per-reconcile work).</summary>
internal sealed class RequestCounter : DelegatingHandler
{
    private readonly ConcurrentQueue<string> requests = new();

    public int Count => requests.Count;

    public IReadOnlyList<string> Since(int start) => [.. requests.Skip(start)];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var query = request.RequestUri?.Query ?? "";
        if (!query.Contains("watch=true", StringComparison.OrdinalIgnoreCase))
        {
            requests.Enqueue($"{request.Method} {request.RequestUri?.PathAndQuery}");
        }

        return base.SendAsync(request, cancellationToken);
    }
}
