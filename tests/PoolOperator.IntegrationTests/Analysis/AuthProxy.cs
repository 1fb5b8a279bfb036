using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace PoolOperator.IntegrationTests.Analysis;

/// <summary>
/// Stands in for the auth proxy in front of a Prometheus: records the Authorization header of every request,
/// answers 401 (echoing the header, as careless proxies do) unless it matches, and forwards the rest.
/// </summary>
internal sealed class AuthProxy : IAsyncDisposable
{
    private readonly HttpClient upstream = new() { Timeout = TimeSpan.FromSeconds(10) };
    private LocalHttpServer? server;

    public ConcurrentQueue<string?> AuthorizationHeaders { get; } = new();

    public Uri Address => server!.Address;

    public static async Task<AuthProxy> StartAsync(Uri prometheus, string requiredAuthorization, X509Certificate2? certificate = null)
    {
        var proxy = new AuthProxy();
        proxy.server = await LocalHttpServer.StartAsync(context => proxy.HandleAsync(context, prometheus, requiredAuthorization), certificate);
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        upstream.Dispose();
    }

    private async Task HandleAsync(HttpContext context, Uri prometheus, string requiredAuthorization)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        AuthorizationHeaders.Enqueue(StringValues.IsNullOrEmpty(context.Request.Headers.Authorization) ? null : authorization);
        if (authorization != requiredAuthorization)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync($"unauthorized: got '{authorization}'");
            return;
        }

        using var forward = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(prometheus, context.Request.Path + context.Request.QueryString));
        if (context.Request.ContentLength is > 0 || context.Request.HasFormContentType)
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            forward.Content = new ByteArrayContent(body.ToArray());
            forward.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType);
        }

        using var response = await upstream.SendAsync(forward);
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
        await context.Response.WriteAsync(await response.Content.ReadAsStringAsync());
    }
}
