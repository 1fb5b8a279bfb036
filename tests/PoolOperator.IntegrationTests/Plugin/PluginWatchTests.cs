using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.IntegrationTests.Operator;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Plugin;

/// <summary>`kubectl poolmigration status NAME --watch` in a real terminal (tmux), read from the screen as the migration moves.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PluginWatchTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_watch_redraws_the_screen_through_stage_gate_and_completion_then_exits_0()
    {
        Assert.True(TmuxSession.Available, "tmux is not installed: tests/run.sh installs it (apt-get install tmux)");
        var ns = await cluster.CreateNamespaceAsync("plugin-watch");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", 4);
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");
        await kit.CreateAsync(MigrationKit.Migration("pool", Stages.Weighted("canary-25", 25, "30s"), Stages.Weighted("half", 50, "1s", approval: true), Stages.Weighted("full", 100)));
        await kit.WaitForAsync("pool", m => m.Status?.StageName is not null, Timeout, "the first stage");

        var plugin = new PluginBinary(cluster, ns);
        await using var tmux = await TmuxSession.StartAsync(plugin.CommandLine("status", "pool", "--watch"), width: 140, height: 50);
        var screen = "";
        async Task<string> ScreenShowsAsync(Func<string, bool> condition, string description)
        {
            try
            {
                await cluster.WaitForAsync(async () => condition(screen = await tmux.CaptureAsync()), Timeout, description);
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"{e.Message}; the screen was:\n{screen}", e);
            }

            output.WriteLine($"--- {description}\n{screen}");
            return screen;
        }

        // The stage counting down, marked as current, with its weight bar; it lasts long enough for the plugin to start
        // and draw on a loaded machine.
        await ScreenShowsAsync(s => Current(s, "canary-25") && s.Contains("[#####---------------] 25% on V2", StringComparison.Ordinal) && s.Contains("left of 30s", StringComparison.Ordinal), "canary-25 counting down");

        // The gate: the marker moved, the screen says how to approve.
        await ScreenShowsAsync(s => Current(s, "half") && s.Contains("WAITING for approval: kubectl poolmigration approve pool", StringComparison.Ordinal), "the gate waiting");
        var approve = await plugin.RunAsync("approve", "pool");
        Assert.Equal(0, approve.ExitCode);

        // The same screen, redrawn in place: completed, every stage passed, and the watch ends with exit code 0.
        var last = await ScreenShowsAsync(s => s.Contains("exit code 0", StringComparison.Ordinal), "the watch ending");
        Assert.Contains("pool completed.", last);
        Assert.Matches(@"Phase: +Completed", last);
        Assert.Contains("[####################] 100% on V2", last);
        Assert.Equal(3, last.Split('\n').Count(r => r.Contains("passed", StringComparison.Ordinal)));
        Assert.Single(last.Split('\n'), r => r.TrimStart().StartsWith("Phase:", StringComparison.Ordinal));
        Assert.Equal(Phases.Completed, (await kit.GetAsync("pool")).Status!.Phase);
    }

    private static bool Current(string screen, string stage) =>
        screen.Split('\n').Any(r => r.TrimStart().StartsWith('>') && r.Contains($" {stage} ", StringComparison.Ordinal));
}
