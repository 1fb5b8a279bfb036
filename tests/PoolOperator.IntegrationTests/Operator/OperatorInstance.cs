using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PoolOperator.Hosting;
using PoolOperator.Runtime;
using PoolOperator.Runtime.Http;
using PoolOperator.Runtime.Informers;
using PoolOperator.Runtime.LeaderElection;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>The operator running in the test process against the test cluster, with health endpoints on loopback.</summary>
internal sealed class OperatorInstance : IAsyncDisposable
{
    private readonly IHost app;
    private bool stopped;

    private OperatorInstance(IHost app) => this.app = app;

    public IServiceProvider Services => app.Services;

    /// <summary>This instance's leader election (always leading while running when election is off).</summary>
    public LeaderElectionService Election => app.Services.GetRequiredService<LeaderElectionService>();

    /// <summary>How many PoolMigration reconciles this instance has started.</summary>
    public long ReconcilesStarted => app.Services.GetRequiredService<Controller<NamespacedName>>().Loop.ReconcilesStarted;

    public Uri BaseAddress => app.Services.GetRequiredService<EndpointServer>().Addresses[0];

    /// <param name="settings">Extra configuration, e.g. <c>Operator:Namespaces:0=ns</c>.</param>
    public static async Task<OperatorInstance> StartAsync(KubernetesClientConfiguration cluster, bool leaderElection = false, params string[] settings)
    {
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            $"--Operator:LeaderElection={leaderElection}",
            "--Logging:LogLevel:Default=Warning",
            .. settings.Select(s => "--" + s),
        ];
        var app = OperatorApplication.Build(args, cluster, builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync().ConfigureAwait(false);
        return new OperatorInstance(app);
    }

    /// <summary>Starts the operator with <paramref name="customize"/> applied to its host before it is built (extra services, a different client).</summary>
    /// <param name="settings">Extra configuration, e.g. <c>Operator:Namespaces:0=ns</c>.</param>
    public static async Task<OperatorInstance> StartWithAsync(KubernetesClientConfiguration cluster, Action<HostApplicationBuilder> customize, params string[] settings)
    {
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            "--Operator:LeaderElection=false",
            "--Logging:LogLevel:Default=Warning",
            .. settings.Select(s => "--" + s),
        ];
        var app = OperatorApplication.Build(args, cluster, builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            customize(builder);
        });
        await app.StartAsync().ConfigureAwait(false);
        return new OperatorInstance(app);
    }

    /// <summary>
    /// Starts the operator with every log line, down to Trace, going to <paramref name="logs"/> only (no console), so a
    /// test can prove what the operator does and does not write to its log.
    /// </summary>
    /// <param name="settings">Extra configuration, e.g. <c>Operator:Namespaces:0=ns</c>.</param>
    public static async Task<OperatorInstance> StartCapturingLogsAsync(KubernetesClientConfiguration cluster, ILoggerProvider logs, params string[] settings)
    {
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            "--Operator:LeaderElection=false",
            "--Logging:LogLevel:Default=Trace",
            .. settings.Select(s => "--" + s),
        ];
        var app = OperatorApplication.Build(args, cluster, builder => builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        await app.StartAsync().ConfigureAwait(false);
        return new OperatorInstance(app);
    }

    public async Task StopAsync()
    {
        if (!stopped)
        {
            stopped = true;
            await app.StopAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        app.Dispose();
    }
}
