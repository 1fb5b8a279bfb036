using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PoolOperator.Runtime;
using Xunit;

namespace PoolOperator.UnitTests.Runtime;

public sealed class OperatorRuntimeOptionsTests
{
    [Fact]
    public void TheDefaultsAreValid() => Assert.Empty(Validate(new OperatorRuntimeOptions()));

    [Theory]
    [InlineData(nameof(OperatorRuntimeOptions.Qps))]
    [InlineData(nameof(OperatorRuntimeOptions.MaxConcurrentReconciles))]
    [InlineData(nameof(OperatorRuntimeOptions.LeaseDuration))]
    [InlineData(nameof(OperatorRuntimeOptions.Namespaces))]
    public void BadSettingsAreRejected(string member)
    {
        var options = new OperatorRuntimeOptions();
        switch (member)
        {
            case nameof(OperatorRuntimeOptions.Qps):
                options.Qps = 0;
                break;
            case nameof(OperatorRuntimeOptions.MaxConcurrentReconciles):
                options.MaxConcurrentReconciles = 0;
                break;
            case nameof(OperatorRuntimeOptions.LeaseDuration):
                options.LeaseDuration = options.RenewDeadline;
                break;
            default:
                options.Namespaces.Add("Not_A_Namespace");
                break;
        }

        Assert.Contains(Validate(options), r => r.MemberNames.Contains(member));
    }

    [Fact]
    public void LeaseTimingIsNotCheckedWhenElectionIsOff()
    {
        var options = new OperatorRuntimeOptions { LeaderElection = false, LeaseDuration = TimeSpan.FromSeconds(5) };

        Assert.Empty(Validate(options));
    }

    [Fact]
    public async Task TheHostRefusesToStartWithInvalidOptions()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });
        builder.Services.AddOperatorRuntime(configure: o => o.MaxConcurrentReconciles = 0);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(nameof(OperatorRuntimeOptions.MaxConcurrentReconciles), error.Message, StringComparison.Ordinal);
    }

    private static List<System.ComponentModel.DataAnnotations.ValidationResult> Validate(OperatorRuntimeOptions options)
    {
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        System.ComponentModel.DataAnnotations.Validator.TryValidateObject(
            options,
            new System.ComponentModel.DataAnnotations.ValidationContext(options),
            results,
            validateAllProperties: true);
        return results;
    }
}
