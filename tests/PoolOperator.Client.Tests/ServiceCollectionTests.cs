using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace PoolOperator.Client.Tests;

public sealed class ServiceCollectionTests
{
    [Fact]
    public async Task The_host_binds_the_PoolMigration_section_and_reads_the_flags_at_start()
    {
        using var volume = new KubeletConfigMapVolume();
        volume.Publish(Documents.Rollout(25));
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PoolMigration:FlagsDirectory"] = volume.Directory,
            ["PoolMigration:Shadow:MaxConcurrency"] = "2",
            ["PoolMigration:Comparison:IgnoredProperties:0"] = "requestId",
            ["PoolMigration:Breaker:BreakDuration"] = "00:01:00",
            ["PoolMigration:ForceEnvironmentVariable"] = "",
        });
        builder.Services.AddPoolMigration(o => o.Shadow.Timeout = TimeSpan.FromSeconds(2));
        using var host = builder.Build();

        await host.StartAsync();
        try
        {
            var client = host.Services.GetRequiredService<PoolMigrationClient>();
            Assert.Equal(25, client.Flags.V2Percent);
            Assert.Equal(client.Decide("session-42").Pool, SessionBuckets.SelectionBucket("session-42") < 2500 ? Pool.V2 : Pool.V1);

            var options = host.Services.GetRequiredService<IOptions<PoolMigrationOptions>>().Value;
            Assert.Equal(2, options.Shadow.MaxConcurrency);
            Assert.Equal(TimeSpan.FromSeconds(2), options.Shadow.Timeout);
            Assert.Equal(["requestId"], options.Comparison.IgnoredProperties);
            Assert.Equal(TimeSpan.FromMinutes(1), options.Breaker.BreakDuration);

            // The meter comes from the host's IMeterFactory, under the documented name.
            Assert.Equal(PoolMigrationClient.MeterName, client.Meter.Name);
            Assert.Same(host.Services.GetRequiredService<IMeterFactory>().Create(PoolMigrationClient.MeterName), client.Meter);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_section_can_be_given_explicitly()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Migrations:Quotes:Source"] = "None",
            ["Migrations:Quotes:Force"] = "V2",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddPoolMigration(configuration.GetSection("Migrations:Quotes"));
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<PoolMigrationClient>();

        Assert.Equal(new PoolDecision(Pool.V2, DecisionReason.Programmatic, false), client.Decide("anyone"));
    }

    [Theory]
    [InlineData("PoolMigration:Source", "Kubernetes", "ConfigMapName is required")]
    [InlineData("PoolMigration:Shadow:QueueCapacity", "0", "QueueCapacity must be at least 1")]
    [InlineData("PoolMigration:Breaker:FailureRatio", "1.5", "FailureRatio must be above 0")]
    [InlineData("PoolMigration:RecheckInterval", "-00:00:01", "RecheckInterval must be positive")]
    public async Task Bad_settings_fail_the_start_with_the_setting_named(string key, string value, string message)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddPoolMigration();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
