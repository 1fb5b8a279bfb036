using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.IntegrationTests.Analysis;

/// <summary>The analysis services wired as the operator wires them, with Secrets held in memory.</summary>
internal sealed class AnalysisHost : IAsyncDisposable
{
    public const string Namespace = "shop";

    public static readonly MeasurementContext Context = new(Namespace, "session-pool", "canary-25", 25, "Progressing");

    private readonly ServiceProvider services;

    public AnalysisHost(Dictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Analysis:RetryBaseDelay"] = "00:00:00.050",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[$"Analysis:{key}"] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs))
            .AddSingleton<ISecretSource>(Secrets)
            .AddPoolAnalysis(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        Runner = services.GetRequiredService<AnalysisRunner>();
    }

    public InMemorySecretSource Secrets { get; } = new();

    public CapturingLoggerProvider Logs { get; } = new();

    public AnalysisRunner Runner { get; }

    public async Task<Measurement> MeasureAsync(AnalysisCheck check) =>
        (await Runner.MeasureAllAsync([check], Namespace, Context, CancellationToken.None)).Single();

    public ValueTask DisposeAsync() => services.DisposeAsync();

    public static AnalysisCheck Prometheus(Uri address, string query, double? max = null, string? baselineQuery = null, double? maxRatio = null) => new()
    {
        Name = "check",
        Prometheus = new PrometheusCheck { Address = address.ToString(), Query = query, BaselineQuery = baselineQuery, TimeoutSeconds = 5 },
        Max = max,
        MaxRatio = maxRatio,
    };
}
