using System.Net.Http.Json;
using System.Text.Json;

namespace PoolOperator.IntegrationTests.SdkApp;

/// <summary>Requests to the example application's <c>GET /quote/{sku}</c>, each for a session, as its users would send them.</summary>
internal static class QuoteTraffic
{
    /// <summary>Which implementation answered one call of <paramref name="session"/> (<c>servedBy</c>: v1 or v2).</summary>
    public static async Task<string> ServedByAsync(HttpClient http, Uri app, string session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app, $"/quote/sku-{session.Length % 7}"));
        request.Headers.Add("X-Session-Id", session);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var quote = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return quote.GetProperty("servedBy").GetString()!;
    }

    /// <summary>One call for each of <paramref name="sessions"/>, a few at a time; the pool that answered each.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ServedByAsync(HttpClient http, Uri app, IReadOnlyList<string> sessions)
    {
        var answers = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        await Parallel.ForEachAsync(sessions, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (session, token) =>
            answers[session] = await ServedByAsync(http, app, session, token));
        return answers;
    }

    /// <summary>Fresh random session keys, as a stream of new users brings them.</summary>
    public static IReadOnlyList<string> NewSessions(int count) => [.. Enumerable.Range(0, count).Select(_ => Guid.NewGuid().ToString())];
}
