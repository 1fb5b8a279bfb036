using Microsoft.Extensions.DependencyInjection;
using PoolOperator.Runtime.Http;

namespace PoolOperator.Runtime.Health;

/// <summary>/healthz and /readyz: 200 with the detail while the check passes, 503 with the reason when it fails.</summary>
public static class HealthEndpoints
{
    /// <summary>Registers both endpoints for the <see cref="EndpointServer"/>.</summary>
    public static IServiceCollection AddHealthEndpoints(this IServiceCollection services)
    {
        services.AddSingleton(sp => Answering("/healthz", sp.GetRequiredService<OperatorHealth>().CheckLiveness));
        services.AddSingleton(sp => Answering("/readyz", sp.GetRequiredService<OperatorHealth>().CheckReadiness));
        return services;
    }

    private static HttpEndpoint Answering(string path, Func<HealthCheckResult> check) =>
        new(path, (_, response, cancellationToken) =>
        {
            var result = check();
            response.StatusCode = result.Healthy ? 200 : 503;
            return response.SendTextAsync(result.Detail, cancellationToken);
        });
}
