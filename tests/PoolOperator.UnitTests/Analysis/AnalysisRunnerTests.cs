using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using Xunit;
using Xunit.Abstractions;
using static PoolOperator.UnitTests.Analysis.AnalysisTestKit;

namespace PoolOperator.UnitTests.Analysis;

public sealed class AnalysisRunnerTests(ITestOutputHelper output)
{
    private static readonly AnalysisOptions Options1s = FastOptions() with { DefaultTimeout = TimeSpan.FromSeconds(1), RunnerMargin = TimeSpan.FromMilliseconds(200) };

    [Fact]
    public async Task Returns_one_measurement_per_check_in_order()
    {
        var runner = Runner(new ScriptedProvider(check => Task.FromResult(Pass(check))));
        AnalysisCheck[] checks = [Named("a"), Named("b"), Named("c")];

        var measurements = await runner.MeasureAllAsync(checks, Namespace, Context, CancellationToken.None);

        Assert.Equal(["a", "b", "c"], measurements.Select(m => m.CheckName));
        Assert.All(measurements, m => Assert.Equal(Verdict.Pass, m.Verdict));
    }

    [Fact]
    public async Task Provider_that_ignores_cancellation_is_cut_off_and_others_still_report()
    {
        var never = new TaskCompletionSource<Measurement>();
        var runner = Runner(new ScriptedProvider(check => check.Name == "stuck" ? never.Task : Task.FromResult(Pass(check))));
        var started = TimeProvider.System.GetTimestamp();

        var measurements = await runner.MeasureAllAsync([Named("stuck"), Named("fine")], Namespace, Context, CancellationToken.None);

        var elapsed = TimeProvider.System.GetElapsedTime(started);
        Assert.Equal(Verdict.Inconclusive, measurements[0].Verdict);
        Assert.Equal("no result within 1.2s", measurements[0].Message);
        Assert.Equal(Verdict.Pass, measurements[1].Verdict);
        output.WriteLine($"a provider that never answers, with a 1.2 s budget: cut off after {elapsed.TotalMilliseconds:F0} ms (bound 1-6 s)");
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task Provider_exception_becomes_inconclusive_with_its_message()
    {
        // A generous budget: on a loaded machine the provider's task may start late, and this test is about the message.
        var runner = new AnalysisRunner([new ScriptedProvider(_ => throw new InvalidOperationException("boom"))],
            Options.Create(Options1s with { DefaultTimeout = TimeSpan.FromSeconds(30) }), Resolver(), TimeProvider.System, NullLogger<AnalysisRunner>.Instance);

        var measurements = await runner.MeasureAllAsync([Named("a")], Namespace, Context, CancellationToken.None);

        Assert.Equal(Verdict.Inconclusive, measurements[0].Verdict);
        Assert.Contains("boom", measurements[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_without_or_with_two_providers_is_inconclusive_and_names_the_providers()
    {
        var runner = Runner(
            new ScriptedProvider(check => Task.FromResult(Pass(check))),
            new ScriptedProvider(check => Task.FromResult(Pass(check)), check => check.Name == "both", name: "other"));

        var measurements = await runner.MeasureAllAsync([new AnalysisCheck { Name = "none" }, Named("both")], Namespace, Context, CancellationToken.None);

        Assert.Equal(Verdict.Inconclusive, measurements[0].Verdict);
        Assert.Equal("check sets no provider: set scripted or other", measurements[0].Message);
        Assert.Equal(Verdict.Inconclusive, measurements[1].Verdict);
        Assert.Equal("check sets more than one provider: set exactly one of scripted or other", measurements[1].Message);
    }

    [Fact]
    public async Task Built_in_providers_are_named_when_a_check_sets_none()
    {
        using var services = new ServiceCollection()
            .AddSingleton<IKubernetes>(new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }))
            .AddPoolAnalysis()
            .BuildServiceProvider();

        var measurements = await services.GetRequiredService<ICheckMeasurer>().MeasureAllAsync([new AnalysisCheck { Name = "none" }], Namespace, Context, CancellationToken.None);

        Assert.Equal("check sets no provider: set prometheus, webhook or shadowComparison", measurements[0].Message);
    }

    [Fact]
    public async Task Caller_cancellation_propagates()
    {
        var measuring = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runner = Runner(new ScriptedProvider(async check =>
        {
            measuring.TrySetResult();
            await Task.Delay(Timeout.Infinite);
            return Pass(check);
        }));
        using var cts = new CancellationTokenSource();

        // Cancelled while the check is being measured, well before the check's own timeout.
        var measured = runner.MeasureAllAsync([Named("a")], Namespace, Context, cts.Token);
        await measuring.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => measured);
    }

    private static AnalysisRunner Runner(params IAnalysisProvider[] providers) =>
        new(providers, Options.Create(Options1s), Resolver(), TimeProvider.System, NullLogger<AnalysisRunner>.Instance);

    private static CredentialResolver Resolver() =>
        new(new InMemorySecretSource(), new CaTrustStore(), Options.Create(new AnalysisOptions()), TimeProvider.System);

    private static AnalysisCheck Named(string name) => new() { Name = name, Webhook = new WebhookCheck { Url = "http://x" } };

    private static Measurement Pass(AnalysisCheck check) => new(check.Name, Verdict.Pass, null, null, "ok", DateTimeOffset.UnixEpoch);

    private sealed class ScriptedProvider(Func<AnalysisCheck, Task<Measurement>> measure, Func<AnalysisCheck, bool>? uses = null, string name = "scripted") : IAnalysisProvider
    {
        public IAnalysisProviderDescriptor Descriptor { get; } = new ScriptedDescriptor(name, uses ?? (check => check.Webhook is not null));

        public Task<Measurement> MeasureAsync(AnalysisCheck check, string @namespace, MeasurementContext context, CancellationToken cancellationToken) => measure(check);
    }

    private sealed class ScriptedDescriptor(string name, Func<AnalysisCheck, bool> uses) : IAnalysisProviderDescriptor
    {
        public string Name => name;

        public Type ProviderType => typeof(ScriptedProvider);

        public string? OwnVerdict => null;

        public bool IsUsedBy(AnalysisCheck check) => uses(check);

        public int? TimeoutSeconds(AnalysisCheck check) => null;

        public CredentialReferences Credentials(AnalysisCheck check) => CredentialReferences.None;

        public void Validate(ProviderValidationContext context)
        {
        }
    }
}
