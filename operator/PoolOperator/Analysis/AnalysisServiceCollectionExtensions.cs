using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace PoolOperator.Analysis;

internal static class AnalysisServiceCollectionExtensions
{
    /// <summary>
    /// Registers the analysis providers and <see cref="AnalysisRunner"/>. Options come from the <c>Analysis</c> section of
    /// <paramref name="configuration"/> and are validated at start. Credentials are read through <c>k8s.IKubernetes</c>,
    /// which the host registers. One provider is registered per descriptor of <paramref name="providers"/>
    /// (default: <see cref="AnalysisProviderRegistry.BuiltIn"/>).
    /// </summary>
    public static IServiceCollection AddPoolAnalysis(this IServiceCollection services, IConfiguration? configuration = null, AnalysisProviderRegistry? providers = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var optionsBuilder = services.AddOptions<AnalysisOptions>();
        if (configuration is not null)
        {
            optionsBuilder.Bind(configuration.GetSection(AnalysisOptions.SectionName));
        }

        ValidateOnStart(optionsBuilder);

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        // Polly owns timeouts; header values (Authorization) are never logged, whatever the host's log level.
        // Redirects are not followed: a check's credentials go only to the address it names, never to a host a
        // response points at.
        services.AddHttpClient(AnalysisHttpClients.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .RedactLoggedHeaders(_ => true);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HttpClientFactoryOptions>, CaHttpClientConfigurator>());

        services.TryAddSingleton<ISecretSource, KubernetesSecretSource>();
        services.TryAddSingleton<CaTrustStore>();
        services.TryAddSingleton<CredentialResolver>();
        services.TryAddSingleton<AnalysisHttpClients>();
        services.TryAddSingleton<AnalysisResilience>();
        foreach (var descriptor in (providers ?? AnalysisProviderRegistry.BuiltIn).Descriptors)
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IAnalysisProvider), descriptor.ProviderType));
        }

        services.TryAddSingleton<AnalysisRunner>();
        services.TryAddSingleton<ICheckMeasurer>(sp => sp.GetRequiredService<AnalysisRunner>());
        return services;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = "The options' properties are read by reflection; the natively compiled operator keeps every member of its own assemblies (TrimmerRootAssembly in PoolOperator.csproj).")]
    private static void ValidateOnStart(OptionsBuilder<AnalysisOptions> options) =>
        options.ValidateDataAnnotations().ValidateOnStart();
}
