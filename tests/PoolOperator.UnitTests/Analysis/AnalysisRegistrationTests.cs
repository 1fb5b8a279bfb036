using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PoolOperator.Analysis;
using Xunit;
using k8s;

namespace PoolOperator.UnitTests.Analysis;

public sealed class AnalysisRegistrationTests
{
    [Fact]
    public void Binds_options_from_the_Analysis_section_and_resolves_the_runner()
    {
        using var provider = Build(new()
        {
            ["Analysis:DefaultPrometheusAddress"] = "http://prometheus.monitoring:9090",
            ["Analysis:DefaultTimeout"] = "00:00:15",
            ["Analysis:RetryCount"] = "1",
        });

        var options = provider.GetRequiredService<IOptions<AnalysisOptions>>().Value;
        Assert.Equal("http://prometheus.monitoring:9090", options.DefaultPrometheusAddress);
        Assert.Equal(TimeSpan.FromSeconds(15), options.DefaultTimeout);
        Assert.Equal(1, options.RetryCount);
        Assert.NotNull(provider.GetRequiredService<AnalysisRunner>());
        Assert.Equal(
            AnalysisProviderRegistry.BuiltIn.Descriptors.Select(descriptor => descriptor.Name),
            provider.GetServices<IAnalysisProvider>().Select(registered => registered.Descriptor.Name));
    }

    [Theory]
    [InlineData("Analysis:DefaultPrometheusAddress", "prometheus:9090")]
    [InlineData("Analysis:DefaultTimeout", "00:00:00")]
    [InlineData("Analysis:RetryCount", "-1")]
    [InlineData("Analysis:BreakerMinimumThroughput", "1")]
    [InlineData("Analysis:BreakerFailureRatio", "0")]
    public void Invalid_settings_are_rejected(string key, string value)
    {
        using var provider = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AnalysisOptions>>().Value);
        Assert.Contains(key.Split(':')[1], error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        // The host owns the Kubernetes client; analysis only reads Secrets and ConfigMaps through it.
        var kubernetes = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });
        return new ServiceCollection().AddSingleton<IKubernetes>(kubernetes).AddPoolAnalysis(configuration).BuildServiceProvider();
    }
}
