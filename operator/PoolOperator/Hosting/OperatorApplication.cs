using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Controllers;
using PoolOperator.Events;
using PoolOperator.Notifications;
using PoolOperator.Observation;
using PoolOperator.Routing;
using PoolOperator.Routing.Flags;
using PoolOperator.Routing.GatewayApi;
using PoolOperator.Routing.Replicas;
using PoolOperator.Runtime;
using PoolOperator.Runtime.Http;
using PoolOperator.Runtime.Informers;
using PoolOperator.Runtime.Queue;
using PoolOperator.Runtime.Telemetry;
using PoolOperator.Telemetry;

namespace PoolOperator.Hosting;

/// <summary>Composes the operator: runtime, reconciler, analysis, routers, health and metrics endpoints.</summary>
internal static class OperatorApplication
{
    public const string ControllerName = "poolmigration";

    /// <summary>How long a start waits for the interest caches to list what the existing migrations declared.</summary>
    private static readonly TimeSpan CachePrimingLimit = TimeSpan.FromSeconds(10);

    public static IHost Build(string[] args, KubernetesClientConfiguration clientConfiguration, Action<HostApplicationBuilder>? customize = null)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddSingleton(clientConfiguration);
        builder.Services.AddOperatorRuntime(builder.Configuration);
        builder.Services.AddEndpointServer();
        builder.Services.AddSingleton(PrometheusScrapeEndpoint.Create);
        builder.Services.AddPoolAnalysis(builder.Configuration);
        AddCaches(builder.Services);
        builder.Services.AddSingleton<ClusterObserver>();
        builder.Services.AddSingleton<ReplicaRouter>();
        builder.Services.AddSingleton<CleanupObserver>();
        builder.Services.AddSingleton<CleanupApplier>();
        builder.Services.AddSingleton<ITrafficRouter, FlagsRouter>();
        builder.Services.AddSingleton<ITrafficRouter, GatewayApiRouter>();
        builder.Services.AddSingleton<IMigrationEventSink, KubernetesEventSink>();
        builder.Services.AddSingleton<OperatorMetrics>();
        builder.Services.AddSingleton<MigrationCaches>();
        builder.Services.AddSingleton<MigrationWriter>();
        builder.Services.AddSingleton<MigrationFinalizer>();
        builder.Services.AddSingleton<AnalysisDueTimes>();
        builder.Services.AddSingleton<PoolMigrationReconciler>();
        builder.Services.AddOptions<NotificationOptions>().Bind(builder.Configuration.GetSection(NotificationOptions.SectionName));
        builder.Services.AddHttpClient(Notifier.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan).RedactLoggedHeaders(_ => true);
        builder.Services.AddSingleton<Notifier>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Notifier>());
        builder.Services.AddController(CreateController);

        var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry();
        if (otlp)
        {
            // Spans cost only where someone collects them.
            telemetry.WithTracing(tracing => tracing.AddSource(OperatorTracing.SourceName).AddOtlpExporter());
        }

        telemetry.WithMetrics(metrics =>
        {
            // "Polly" carries the analysis retries, timeouts and circuit transitions (resilience.polly.strategy.events).
            metrics.AddMeter(OperatorMetrics.MeterName, RuntimeMetrics.MeterName, "Polly", MetricSeriesLimits.DotNetRuntimeMeterName)
                .AddView(MetricSeriesLimits.For)
                .AddHttpClientInstrumentation()
                .AddPrometheusExporter();
            if (otlp)
            {
                metrics.AddOtlpExporter();
            }
        });

        customize?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>
    /// The reconciler reads everything from these: every PoolMigration and Deployment of the watched namespaces, and
    /// only the pods, Services, ConfigMaps, HTTPRoutes, HorizontalPodAutoscalers and PodDisruptionBudgets migrations declared an interest in.
    /// </summary>
    private static void AddCaches(IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetRequiredService<InformerFactory>().CustomResource<PoolMigration>(
            PoolMigration.Group, PoolMigration.Version, PoolMigration.Plural, transform: CachedMetadata.Trim));
        services.AddSingleton(sp => sp.GetRequiredService<InformerFactory>().Deployments(transform: CachedMetadata.Trim));
        services.AddSingleton(sp =>
        {
            var informer = sp.GetRequiredService<ResourceInformer<PoolMigration>>();
            return new LatestKnown<PoolMigration>((ns, name) => informer.Get(ns, name));
        });
        services.AddSingleton(sp =>
        {
            var informer = sp.GetRequiredService<ResourceInformer<V1Deployment>>();
            return new LatestKnown<V1Deployment>((ns, name) => informer.Get(ns, name));
        });
        services.AddSingleton(sp => new InterestCache<V1Pod>(sp.GetRequiredService<InformerFactory>().PodsOfInterest(PodSummary.Of)));
        services.AddSingleton(sp => new InterestCache<V1Service>(sp.GetRequiredService<InformerFactory>().ServicesOfInterest(PoolServices.Summary)));
        services.AddSingleton<PoolServices>();
        services.AddSingleton(sp => new InterestCache<V1ConfigMap>(sp.GetRequiredService<InformerFactory>().ConfigMapsOfInterest()));
        services.AddSingleton(sp => new InterestCache<HttpRoute>(
            sp.GetRequiredService<InformerFactory>().CustomResourcesOfInterest<HttpRoute>(HttpRoute.Group, HttpRoute.Version, HttpRoute.Plural)));
        services.AddSingleton<ServedVersions>();
        services.AddSingleton(sp => new InterestCache<V2HorizontalPodAutoscaler>(sp.GetRequiredService<InformerFactory>().CreateOfInterest(
            new ServedVersionSource<V2HorizontalPodAutoscaler>(sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<ServedVersions>(),
                PoolScaling.AutoscalingGroup, PoolScaling.AutoscalingVersions, PoolScaling.AutoscalersPlural))));
        services.AddSingleton(sp => new InterestCache<V1PodDisruptionBudget>(sp.GetRequiredService<InformerFactory>().CreateOfInterest(
            new ServedVersionSource<V1PodDisruptionBudget>(sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<ServedVersions>(),
                PoolScaling.PolicyGroup, PoolScaling.PolicyVersions, PoolScaling.BudgetsPlural))));
        services.AddSingleton<MigrationInterests>();
    }

    private static Controller<NamespacedName> CreateController(IServiceProvider services)
    {
        var reconciler = services.GetRequiredService<PoolMigrationReconciler>();
        var migrations = services.GetRequiredService<ResourceInformer<PoolMigration>>();
        var interests = services.GetRequiredService<MigrationInterests>();
        var controller = new Controller<NamespacedName>(
            ControllerName,
            async (key, cancellationToken) =>
            {
                var after = await reconciler.ReconcileAsync(key.Namespace!, key.Name, cancellationToken).ConfigureAwait(false);
                return after is { } delay ? ReconcileResult.After(delay) : ReconcileResult.Done;
            },
            services.GetRequiredService<IOptions<OperatorRuntimeOptions>>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILoggerFactory>());
        controller
            .WatchEvents(migrations, MigrationKeys.ForMigrationChange)
            .Watch(services.GetRequiredService<ResourceInformer<V1Deployment>>(), deployment => MigrationKeys.ForDeployment(migrations, deployment));
        var caches = services.GetRequiredService<MigrationCaches>();
        foreach (var cache in caches.All)
        {
            cache.Feed(controller, changed => MigrationKeys.ForInterest(interests, cache, changed));
        }

        controller.BeforeWorkers = async cancellationToken =>
        {
            caches.DeclareAll(migrations.List());

            // Workers that start before the lists arrive only wait and retry; past this, some namespace is failing
            // to list (its own retries and logs say why) and the others must not wait for it.
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(CachePrimingLimit);
            await caches.WaitForSyncAsync(bounded.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        };

        return controller;
    }
}
