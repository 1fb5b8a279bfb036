using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PoolOperator.Runtime;
using PoolOperator.Runtime.Health;
using PoolOperator.Runtime.Informers;
using PoolOperator.Runtime.LeaderElection;
using PoolOperator.Runtime.Queue;
using Xunit;

namespace PoolOperator.UnitTests.Runtime;

public sealed class OperatorHealthTests
{
    private readonly FakeTimeProvider _time = new();
    private Controller<NamespacedName>? _controller;

    [Fact]
    public void AStandbyIsReadyAndAlive()
    {
        var health = Health(leaderElection: true, out _);

        var (ready, detail) = health.CheckReadiness();

        Assert.True(ready);
        Assert.Contains("standby", detail, StringComparison.Ordinal);
        Assert.True(health.CheckLiveness().Healthy);
    }

    [Fact]
    public async Task WithoutElectionItIsReadyOnlyOnceInformersHaveSynced()
    {
        var health = Health(leaderElection: false, out var source);
        var (ready, detail) = health.CheckReadiness();
        Assert.False(ready);
        Assert.Contains("configmaps", detail, StringComparison.Ordinal);

        using var stop = new CancellationTokenSource();
        var informer = (ResourceInformer<V1ConfigMap>)_controller!.Informers.Single();
        var run = informer.RunAsync(stop.Token);
        await Eventually.True(() => source.Watches.Count == 1, "the informer is watching");

        Assert.True(health.CheckReadiness().Healthy);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void AnInterestInformerRelistingForANewInterestDoesNotMakeTheLeaderUnready()
    {
        var options = Options.Create(new OperatorRuntimeOptions { LeaderElection = false });
        var source = new FakeResourceSource();
        var pods = new InterestInformer<V1ConfigMap>(source, null, _time, NullLogger<InterestInformer<V1ConfigMap>>.Instance);
        var controller = new Controller<NamespacedName>("test", (_, _) => Task.FromResult(ReconcileResult.Done), options, _time, NullLoggerFactory.Instance)
            .Watch(pods, o => [NamespacedName.Of(o)]);
        var client = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });
        var health = new OperatorHealth([controller], new LeaderElectionService(client, options, _time, NullLogger<LeaderElectionService>.Instance), options);

        pods.SetInterests("migration", [new ObjectInterest("shop")]);

        Assert.False(pods.HasSynced);
        Assert.True(health.CheckReadiness().Healthy);
    }

    private OperatorHealth Health(bool leaderElection, out FakeResourceSource source)
    {
        var options = Options.Create(new OperatorRuntimeOptions { LeaderElection = leaderElection, Identity = "me", LeaseNamespace = "ops" });
        source = new FakeResourceSource();
        var informer = new ResourceInformer<V1ConfigMap>(source, null, _time, NullLogger<ResourceInformer<V1ConfigMap>>.Instance);
        _controller = new Controller<NamespacedName>("test", (_, _) => Task.FromResult(ReconcileResult.Done), options, _time, NullLoggerFactory.Instance)
            .Watch(informer, o => [NamespacedName.Of(o)]);
        var client = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });
        var election = new LeaderElectionService(client, options, _time, NullLogger<LeaderElectionService>.Instance);
        return new OperatorHealth([_controller], election, options);
    }
}
