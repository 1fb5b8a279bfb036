using System.Diagnostics.Metrics;
using k8s;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PoolOperator.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PoolOperator client SDK.</summary>
public static class PoolMigrationServiceCollectionExtensions
{
    /// <summary>The configuration section bound to <see cref="PoolMigrationOptions"/> by default.</summary>
    public const string DefaultSectionName = "PoolMigration";

    /// <summary>
    /// Registers a singleton <see cref="PoolMigrationClient"/> and a hosted service that starts it. Options come
    /// from the <c>PoolMigration</c> configuration section when an <see cref="IConfiguration"/> is registered, then
    /// from <paramref name="configure"/>; they are validated at start-up.
    /// </summary>
    public static IServiceCollection AddPoolMigration(this IServiceCollection services, Action<PoolMigrationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PoolMigrationOptions>().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<PoolMigrationOptions>>(provider => new ConfigureNamedOptions<PoolMigrationOptions>(
            Options.Options.DefaultName,
            options => provider.GetService<IConfiguration>()?.GetSection(DefaultSectionName).Bind(options)));
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return AddClient(services);
    }

    /// <summary>Registers the client with options bound from <paramref name="configuration"/> (e.g. a section).</summary>
    public static IServiceCollection AddPoolMigration(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PoolMigrationOptions>().Bind(configuration).ValidateOnStart();
        return AddClient(services);
    }

    private static IServiceCollection AddClient(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PoolMigrationOptions>, PoolMigrationOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new PoolMigrationClient(
            provider.GetRequiredService<IOptions<PoolMigrationOptions>>().Value,
            provider.GetService<ILoggerFactory>(),
            provider.GetService<TimeProvider>(),
            provider.GetService<IMeterFactory>(),
            provider.GetService<IKubernetes>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PoolMigrationHostedService>());
        return services;
    }
}
