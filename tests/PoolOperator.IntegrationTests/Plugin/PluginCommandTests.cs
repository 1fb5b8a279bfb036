using System.Text.Json;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.IntegrationTests.Operator;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Plugin;

/// <summary>kubectl-poolmigration's list, status, actions and report against the real apiserver and a running operator.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PluginCommandTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_person_follows_a_migration_through_its_gate_approves_it_and_reports_it()
    {
        var (kit, plugin, instance) = await StartAsync("plugin-gate");
        await using var running = instance;
        await kit.CreateAsync(MigrationKit.Migration("pool", Stages.Weighted("canary-25", 25, "15s"), Stages.Weighted("half", 50, "1s", approval: true), Stages.Weighted("full", 100)));
        await kit.WaitForAsync("pool", m => m.Status is { StageName: "canary-25", Weight: 25 }, Timeout, "canary-25 at 25%");

        var list = await plugin.RunAsync("list");
        output.WriteLine(list.ToString());
        Assert.Equal(0, list.ExitCode);
        Assert.Matches(@"pool\s+Progressing\s+canary-25 \(1/3\)\s+25%\s+[34]/[34]\s+[01]/1", list.Output);

        // An approval before the gate waits is refused by the plugin and written nowhere.
        var early = await plugin.RunAsync("approve", "pool");
        Assert.Equal(4, early.ExitCode);
        Assert.Contains("approve refused: no stage of pool is awaiting approval", early.Error);
        var annotations = (await kit.GetAsync("pool")).Metadata.Annotations ?? new Dictionary<string, string>();
        Assert.False(annotations.ContainsKey(ActionAnnotations.Approve));

        await kit.WaitForPhaseAsync("pool", Phases.AwaitingApproval, Timeout);
        var atGate = await plugin.RunAsync("status", "pool");
        output.WriteLine(atGate.ToString());
        Assert.Equal(0, atGate.ExitCode);
        Assert.Contains("half: WAITING for approval: kubectl poolmigration approve pool", atGate.Output);
        Assert.Contains("[##########----------] 50% on V2", atGate.Output);
        Assert.Contains(atGate.Output.Split('\n'), row => row.TrimStart().StartsWith('>') && row.Contains("half", StringComparison.Ordinal));
        Assert.Contains(atGate.Output.Split('\n'), row => row.Contains("canary-25", StringComparison.Ordinal) && row.Contains("passed", StringComparison.Ordinal));

        var approve = await plugin.RunAsync("approve", "pool", "--wait");
        output.WriteLine(approve.ToString());
        Assert.Equal(0, approve.ExitCode);
        Assert.Contains("approval of stage half requested for pool", approve.Output);
        Assert.Contains("handled:", approve.Output);

        var done = await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
        Assert.Equal(4, done.Status!.V2!.ReadyReplicas);

        var promote = await plugin.RunAsync("promote", "pool");
        Assert.Equal(4, promote.ExitCode);
        Assert.Contains("pool is Completed", promote.Error);

        var json = await plugin.RunAsync("report", "pool", "--format", "json");
        Assert.Equal(0, json.ExitCode);
        using var report = JsonDocument.Parse(json.Output);
        var run = report.RootElement.GetProperty("runs").EnumerateArray().Single();
        Assert.Equal("Completed", run.GetProperty("outcome").GetString());
        Assert.Equal(["canary-25", "half", "full"], run.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.All(run.GetProperty("stages").EnumerateArray(), s => Assert.Equal("Passed", s.GetProperty("outcome").GetString()));
        Assert.Equal([25, 50, 100], run.GetProperty("timeAtWeight").EnumerateArray().Select(w => w.GetProperty("weight").GetInt32()));
        Assert.All(run.GetProperty("timeAtWeight").EnumerateArray(), w => Assert.True(w.GetProperty("seconds").GetDouble() > 0));
        Assert.Equal("Completed", report.RootElement.GetProperty("final").GetProperty("phase").GetString());

        var markdown = await plugin.RunAsync("report", "pool");
        output.WriteLine(markdown.Output);
        Assert.Equal(0, markdown.ExitCode);
        Assert.Contains($"# Migration report: {kit.Namespace}/pool", markdown.Output);
        Assert.Contains("## Run 1: Completed", markdown.Output);
        Assert.Contains("Deployment pool-v1 (V1) is at 0 replicas", markdown.Output);

        var missing = await plugin.RunAsync("status", "no-such-migration");
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("not found", missing.Error);
    }

    [Fact]
    public async Task Pause_resume_abort_and_retry_take_effect_and_the_report_names_the_rollback()
    {
        var (kit, plugin, instance) = await StartAsync("plugin-actions");
        await using var running = instance;
        await kit.CreateAsync(MigrationKit.Migration("pool", Stages.Weighted("canary-25", 25, "10m"), Stages.Weighted("full", 100)));
        await kit.WaitForAsync("pool", m => m.Status is { StageName: "canary-25", Weight: 25, StageReadyAt: not null }, Timeout, "canary-25 in place");

        var pause = await plugin.RunAsync("pause", "pool", "--wait");
        Assert.True(pause.ExitCode == 0, pause.ToString());
        Assert.Equal(Phases.Paused, (await kit.GetAsync("pool")).Status!.Phase);
        var again = await plugin.RunAsync("pause", "pool");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already paused", again.Output);

        var resume = await plugin.RunAsync("resume", "pool", "--wait");
        Assert.True(resume.ExitCode == 0, resume.ToString());
        await kit.WaitForAsync("pool", m => m.Status is { Phase: Phases.Progressing, Pause: null }, Timeout, "resumed");

        var abort = await plugin.RunAsync("abort", "pool", "--wait");
        Assert.True(abort.ExitCode == 0, abort.ToString());
        var rolledBack = await kit.WaitForPhaseAsync("pool", Phases.RolledBack, Timeout);
        Assert.Equal("abort", rolledBack.Status!.Rollback!.Trigger);

        var report = await plugin.RunAsync("report", "pool");
        output.WriteLine(report.Output);
        Assert.Contains("## Run 1: RolledBack", report.Output);
        Assert.Contains("Trigger **abort**", report.Output);
        Assert.Contains("in stage canary-25 at weight 25%: aborted by a person", report.Output);
        Assert.Contains("| canary-25 | 25% |", report.Output);

        var retry = await plugin.RunAsync("retry", "pool", "--wait");
        Assert.True(retry.ExitCode == 0, retry.ToString());
        var second = await kit.WaitForAsync("pool", m => m.Status is { Run: 2, StageName: "canary-25", Weight: 25 }, Timeout, "run 2 at canary-25");
        var history = second.Status!.History!;
        Assert.Equal([1, 2], history.Select(r => r.Run));
        Assert.Equal(["RolledBack", null], history.Select(r => r.Outcome));
    }

    private async Task<(MigrationKit Kit, PluginBinary Plugin, OperatorInstance Instance)> StartAsync(string prefix)
    {
        var ns = await cluster.CreateNamespaceAsync(prefix);
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", 4);
        var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");
        return (kit, new PluginBinary(cluster, ns), instance);
    }
}
