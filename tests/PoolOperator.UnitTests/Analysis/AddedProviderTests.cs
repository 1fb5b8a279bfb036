using k8s;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.UnitTests.Analysis.Constant;
using PoolOperator.Validation;
using Xunit;
using Xunit.Abstractions;
using static PoolOperator.UnitTests.Analysis.AnalysisTestKit;

namespace PoolOperator.UnitTests.Analysis;

/// <summary>
/// A provider the operator has never heard of (<see cref="ConstantDescriptor"/>, defined in this project), added
/// to the registry when the host is composed, is validated, budgeted and measured like the built-in ones.
/// </summary>
public sealed class AddedProviderTests(ITestOutputHelper output)
{
    private static readonly AnalysisProviderRegistry Providers = AnalysisProviderRegistry.BuiltIn.With(ConstantDescriptor.Instance);

    [Fact]
    public async Task The_runner_measures_its_checks_against_their_bounds()
    {
        using var services = Services();
        var checks = new[]
        {
            ConstantDescriptor.Check("low", new ConstantCheck { Value = 0.5 }, max: 1),
            ConstantDescriptor.Check("high", new ConstantCheck { Value = 2 }, max: 1),
        };

        var measurements = await services.GetRequiredService<ICheckMeasurer>().MeasureAllAsync(checks, Namespace, Context, CancellationToken.None);

        Assert.Equal((Verdict.Pass, 0.5, "value 0.5 <= max 1"), (measurements[0].Verdict, measurements[0].Value!.Value, measurements[0].Message));
        Assert.Equal((Verdict.Fail, 2.0, "value 2 > max 1"), (measurements[1].Verdict, measurements[1].Value!.Value, measurements[1].Message));
    }

    [Fact]
    public async Task The_runner_cuts_a_check_off_at_its_own_timeout_not_the_default()
    {
        using var services = Services(new() { ["Analysis:DefaultTimeout"] = "00:00:30", ["Analysis:RunnerMargin"] = "00:00:00.2" });
        var slow = ConstantDescriptor.Check("slow", new ConstantCheck { Value = 0.5, TimeoutSeconds = 1, DelaySeconds = 60 }, max: 1);
        var started = TimeProvider.System.GetTimestamp();

        var measurements = await services.GetRequiredService<ICheckMeasurer>().MeasureAllAsync([slow], Namespace, Context, CancellationToken.None);

        Assert.Equal(Verdict.Inconclusive, measurements[0].Verdict);
        Assert.Equal("no result within 1.2s", measurements[0].Message);
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        output.WriteLine($"a check with a 1 s timeout that would take 60 s: cut off after {elapsed.TotalMilliseconds:F0} ms (bound 1-15 s; the default timeout is 30 s)");
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void Its_section_is_validated_under_its_own_name()
    {
        var check = ConstantDescriptor.Check("c", new ConstantCheck { Value = double.NaN, TimeoutSeconds = 0 });

        var errors = SpecValidator.Validate(ValidSpecsWith(check), Providers);

        Assert.Equal(
        [
            new SpecProblem("spec.analysis.checks[0].constant.value", "must be a finite number"),
            new SpecProblem("spec.analysis.checks[0].constant.timeoutSeconds", "must be between 1 and 300, got 0"),
            new SpecProblem("spec.analysis.checks[0]", "has no bound; set at least one of min, max, maxRatio or maxDelta"),
        ], errors);
    }

    [Fact]
    public void A_valid_check_passes_validation() =>
        Assert.Empty(SpecValidator.Validate(ValidSpecsWith(ConstantDescriptor.Check("c", new ConstantCheck { Value = 1, TimeoutSeconds = 5 }, max: 2)), Providers));

    [Fact]
    public void Messages_about_providers_name_it()
    {
        var none = new AnalysisCheck { Name = "none", Max = 1 };
        var two = ConstantDescriptor.Check("two", new ConstantCheck { Value = 1 }, max: 1);
        two.Prometheus = new PrometheusCheck { Query = "up" };
        var webhookWithBound = new AnalysisCheck { Name = "smoke", Webhook = new WebhookCheck { Url = "http://smoke/run" }, Min = 1 };

        Assert.Equal(
            "sets none of prometheus, webhook, shadowComparison or constant; a check has exactly one provider",
            Assert.Single(SpecValidator.Validate(ValidSpecsWith(none), Providers)).Message);
        Assert.Equal(
            "sets both prometheus and constant; a check has exactly one provider",
            Assert.Single(SpecValidator.Validate(ValidSpecsWith(two), Providers)).Message);
        Assert.Equal(
            "a webhook check passes on a 2xx answer and fails otherwise; bounds apply to prometheus and constant checks only",
            Assert.Single(SpecValidator.Validate(ValidSpecsWith(webhookWithBound), Providers)).Message);
    }

    [Fact]
    public void The_operators_own_registry_does_not_know_it()
    {
        var check = ConstantDescriptor.Check("c", new ConstantCheck { Value = 1 }, max: 2);

        var error = Assert.Single(SpecValidator.Validate(ValidSpecsWith(check)));

        Assert.Equal(new SpecProblem("spec.analysis.checks[0]", "sets none of prometheus, webhook or shadowComparison; a check has exactly one provider"), error);
    }

    [Fact]
    public void Two_providers_with_one_name_are_refused() =>
        Assert.Throws<ArgumentException>(() => Providers.With(ConstantDescriptor.Instance));

    private static PoolMigrationSpec ValidSpecsWith(AnalysisCheck check) => Validation.ValidSpecs.WithCheck(check);

    private static ServiceProvider Services(Dictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        // Built-in providers read Secrets through the host's client; the constant provider never does.
        var kubernetes = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });
        return new ServiceCollection().AddSingleton<IKubernetes>(kubernetes).AddPoolAnalysis(configuration, Providers).BuildServiceProvider();
    }
}
