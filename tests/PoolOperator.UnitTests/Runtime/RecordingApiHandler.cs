using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace PoolOperator.UnitTests.Runtime;

/// <summary>Stands in for the apiserver inside the client's HTTP pipeline: records requests, answers from a script.</summary>
internal sealed class RecordingApiHandler(Func<HttpRequestMessage, string, (HttpStatusCode Status, string Body)> respond) : DelegatingHandler
{
    public ConcurrentQueue<(HttpMethod Method, string Path, string Body)> Requests { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue((request.Method, request.RequestUri!.AbsolutePath, body));
        var (status, responseBody) = respond(request, body);
        return new HttpResponseMessage(status)
        {
            Content = new StringContent(responseBody, Encoding.UTF8, "application/json"),
            RequestMessage = request,
        };
    }
}
