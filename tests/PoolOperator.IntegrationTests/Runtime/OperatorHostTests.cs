using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.Runtime;
using PoolOperator.Runtime.Health;
using PoolOperator.Runtime.Informers;
using PoolOperator.Runtime.LeaderElection;
using PoolOperator.Runtime.Queue;
using Xunit;

namespace PoolOperator.IntegrationTests.Runtime;

[Collection(ClusterCollection.Name)]
public sealed class OperatorHostTests(ClusterFixture cluster) : IAsyncLifetime
{
    public Task InitializeAsync() => Widget.InstallAsync(cluster);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task TheHostedRuntimeElectsSyncsReconcilesAndReleasesTheLeaseOnStop()
    {
        var ns = await cluster.CreateNamespaceAsync("rt-host");
        await cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(Widget.New("w1"), Widget.Group, Widget.Version, ns, Widget.Plural);
        var reconciled = new ConcurrentQueue<NamespacedName>();

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(cluster.ClientConfig);
        builder.Services.AddOperatorRuntime(configure: o =>
        {
            o.Namespaces = [ns];
            o.LeaseNamespace = ns;
            o.Identity = "hosted";
        });
        builder.Services.AddSingleton(sp => sp.GetRequiredService<InformerFactory>()
            .CustomResource<Widget>(Widget.Group, Widget.Version, Widget.Plural));
        builder.Services.AddController(sp => new Controller<NamespacedName>(
                "widgets",
                (key, _) =>
                {
                    reconciled.Enqueue(key);
                    return Task.FromResult(ReconcileResult.Done);
                },
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<OperatorRuntimeOptions>>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>())
            .Watch(sp.GetRequiredService<ResourceInformer<Widget>>(), w => [NamespacedName.Of(w)]));

        using var host = builder.Build();
        var health = host.Services.GetRequiredService<OperatorHealth>();
        var election = host.Services.GetRequiredService<LeaderElectionService>();
        await host.StartAsync();
        try
        {
            await Until(() => reconciled.Contains(new NamespacedName(ns, "w1")), "the existing widget was reconciled");
            Assert.True(election.IsLeader);
            Assert.Equal(new HealthCheckResult(true, "leader; informers synced"), health.CheckReadiness());
            Assert.True(health.CheckLiveness().Healthy);
        }
        finally
        {
            await host.StopAsync();
        }

        var lease = await cluster.Client.CoordinationV1.ReadNamespacedLeaseAsync("pool-operator-leader", ns);
        Assert.Equal(string.Empty, lease.Spec.HolderIdentity);
        Assert.False(election.IsLeader);
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"not within 20 s: {what}");
            await Task.Delay(10);
        }
    }
}
