using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PoolOperator.Runtime;
using PoolOperator.Runtime.LeaderElection;
using Xunit;

namespace PoolOperator.UnitTests.Runtime;

public sealed class LeaderElectionServiceTests
{
    [Fact]
    public async Task WithElectionDisabledTheWorkRunsAtOnceAndStopsWithTheHost()
    {
        var election = new LeaderElectionService(
            new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }),
            Options.Create(new OperatorRuntimeOptions { LeaderElection = false }),
            TimeProvider.System,
            NullLogger<LeaderElectionService>.Instance);
        var started = 0;
        var stopped = 0;
        election.StartedLeading += () => started++;
        election.StoppedLeading += () => stopped++;
        using var stop = new CancellationTokenSource();
        var working = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var run = election.RunAsync(
            async ct =>
            {
                working.SetResult();
                await Task.Delay(Timeout.Infinite, ct);
            },
            stop.Token);
        await working.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(election.IsLeader);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(election.IsLeader);
        Assert.Equal((1, 1), (started, stopped));
    }
}
