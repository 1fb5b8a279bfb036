using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Controllers;
using PoolOperator.Events;
using PoolOperator.Observation;
using PoolOperator.Routing;
using PoolOperator.Routing.Flags;
using PoolOperator.Routing.GatewayApi;
using PoolOperator.Routing.Replicas;
using PoolOperator.Runtime;
using PoolOperator.Runtime.Health;
using PoolOperator.Runtime.Informers;
using PoolOperator.Runtime.Queue;
using PoolOperator.Telemetry;

namespace PoolOperator.Hosting;

/// <summary>Composes the operator: runtime, reconciler, analysis, routers, health and metrics endpoints.</summary>
internal static class OperatorApplication
{
    public const string ControllerName = "poolmigration";

    public static WebApplication Build(string[] args, KubernetesClientConfiguration clientConfiguration, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Services.AddSingleton(clientConfiguration);
        builder.Services.AddOperatorRuntime(builder.Configuration);
        builder.Services.AddPoolAnalysis(builder.Configuration);
        builder.Services.AddSingleton<ClusterObserver>();
        builder.Services.AddSingleton<ReplicaRouter>();
        builder.Services.AddSingleton<ITrafficRouter, FlagsRouter>();
        builder.Services.AddSingleton<ITrafficRouter, GatewayApiRouter>();
        builder.Services.AddSingleton<IMigrationEventSink, KubernetesEventSink>();
        builder.Services.AddSingleton<OperatorMetrics>();
        builder.Services.AddSingleton<PoolMigrationReconciler>();
        builder.Services.AddController(CreateController);

        builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            // "Polly" carries the analysis retries, timeouts and circuit transitions (resilience.polly.strategy.events).
            metrics.AddMeter(OperatorMetrics.MeterName, "Polly")
                .AddHttpClientInstrumentation()
                .AddPrometheusExporter();
            if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            {
                metrics.AddOtlpExporter();
            }
        });

        customize?.Invoke(builder);
        var app = builder.Build();
        var health = app.Services.GetRequiredService<OperatorHealth>();
        app.MapGet("/healthz", () => ToResult(health.CheckLiveness()));
        app.MapGet("/readyz", () => ToResult(health.CheckReadiness()));
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private static Controller<NamespacedName> CreateController(IServiceProvider services)
    {
        var informers = services.GetRequiredService<InformerFactory>();
        var reconciler = services.GetRequiredService<PoolMigrationReconciler>();
        var migrations = informers.CustomResource<PoolMigration>(PoolMigration.Group, PoolMigration.Version, PoolMigration.Plural);
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
        return controller
            .WatchEvents(migrations, MigrationKeys.ForMigrationChange)
            .Watch(informers.Deployments(), deployment => MigrationKeys.ForDeployment(migrations, deployment))
            .Watch(informers.Pods(), pod => MigrationKeys.ForPod(migrations, pod));
    }

    private static IResult ToResult(HealthCheckResult result) =>
        result.Healthy ? Results.Text(result.Detail) : Results.Text(result.Detail, statusCode: StatusCodes.Status503ServiceUnavailable);
}
