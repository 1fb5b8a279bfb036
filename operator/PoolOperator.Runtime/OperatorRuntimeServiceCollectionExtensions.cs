using System.Diagnostics.CodeAnalysis;
using k8s;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PoolOperator.Runtime.Client;
using PoolOperator.Runtime.Events;
using PoolOperator.Runtime.Health;
using PoolOperator.Runtime.Http;
using PoolOperator.Runtime.Informers;
using PoolOperator.Runtime.LeaderElection;
using PoolOperator.Runtime.Telemetry;

namespace PoolOperator.Runtime;

/// <summary>Registers the operator runtime in a service collection.</summary>
public static class OperatorRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds validated <see cref="OperatorRuntimeOptions"/> (bound from the "Operator" section of <paramref name="configuration"/>
    /// when given, then <paramref name="configure"/>), a rate-limited <see cref="IKubernetes"/>, leader election, the
    /// event recorder, health checks, the informer factory and the <see cref="OperatorHost"/>.
    /// </summary>
    public static IServiceCollection AddOperatorRuntime(
        this IServiceCollection services,
        IConfiguration? configuration = null,
        Action<OperatorRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<OperatorRuntimeOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(OperatorRuntimeOptions.SectionName));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        ValidateOnStart(options);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => KubernetesClientFactory.DefaultConfiguration());
        services.TryAddSingleton<IKubernetes>(sp =>
        {
            var runtime = sp.GetRequiredService<IOptions<OperatorRuntimeOptions>>().Value;
            return KubernetesClientFactory.Create(
                sp.GetRequiredService<KubernetesClientConfiguration>(),
                runtime.Qps,
                runtime.Burst,
                new ApiRequestMetricsHandler(sp.GetRequiredService<RuntimeMetrics>()));
        });
        services.AddMetrics();
        services.TryAddSingleton<RuntimeMetrics>();
        services.TryAddSingleton<LeaderElectionService>();
        services.TryAddSingleton<EventRecorder>();
        services.TryAddSingleton<OperatorHealth>();
        services.TryAddSingleton<InformerFactory>();
        services.AddHostedService<OperatorHost>();
        return services;
    }

    /// <summary>
    /// Adds the <see cref="EndpointServer"/>, serving /healthz, /readyz and every other registered <see cref="HttpEndpoint"/>
    /// where the "urls" setting (or ASPNETCORE_URLS, HTTP_PORTS) says.
    /// </summary>
    public static IServiceCollection AddEndpointServer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHealthEndpoints();
        services.TryAddSingleton<EndpointServer>();
        services.AddHostedService(sp => sp.GetRequiredService<EndpointServer>());
        return services;
    }

    /// <summary>Registers a controller built by <paramref name="factory"/>, both as itself (one per key type) and as an <see cref="IController"/> the host runs.</summary>
    public static IServiceCollection AddController<TKey>(
        this IServiceCollection services,
        Func<IServiceProvider, Controller<TKey>> factory)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(factory);
        services.AddSingleton(factory);
        services.AddSingleton<IController>(sp => sp.GetRequiredService<Controller<TKey>>());
        return services;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = "The options' properties are read by reflection; the natively compiled operator keeps every member of its own assemblies (TrimmerRootAssembly in PoolOperator.csproj).")]
    private static void ValidateOnStart(OptionsBuilder<OperatorRuntimeOptions> options) =>
        options.ValidateDataAnnotations().ValidateOnStart();
}
