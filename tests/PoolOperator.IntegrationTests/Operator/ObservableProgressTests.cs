using System.Diagnostics;
using System.Text.RegularExpressions;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>What a person sees with plain kubectl: the printer columns, conditions to wait on, and Events.</summary>
[Collection(ClusterCollection.Name)]
public sealed partial class ObservableProgressTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly string[] AllConditions =
    [
        ConditionTypes.Ready, ConditionTypes.Progressing, ConditionTypes.Healthy,
        ConditionTypes.Completed, ConditionTypes.RolledBack, ConditionTypes.InvalidSpec,
    ];

    [Fact]
    public async Task KubectlGetShowsTheColumnsAndKubectlWaitReturnsOnCompletion()
    {
        var ns = await cluster.CreateNamespaceAsync("observable");
        var kit = new MigrationKit(cluster, ns);
        var kubectl = new Kubectl(cluster, ns);
        await kit.CreatePoolAsync("pool", 4);
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");
        await kit.CreateAsync(MigrationKit.Migration("pool",
            Stages.Weighted("canary-25", 25, "6s"),
            Stages.Weighted("half", 50, approval: true),
            Stages.Weighted("full", 100)));

        // Started before anything completes: it has to wait, the way a CI pipeline would.
        var waiting = kubectl.RunAsync("wait", "--for=condition=Completed", "pm/pool", "--timeout=60s");

        string[]? header = null;
        string? row = null;
        var rows = new List<string>();
        await cluster.WaitForAsync(async () =>
        {
            var lines = (await kubectl.RunCheckedAsync("get", "pm")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            header = Whitespace().Split(lines[0].Trim());
            rows.AddRange(lines.Skip(1));
            row = lines.Skip(1).FirstOrDefault(l => QuarterRow().IsMatch(l));
            return row is not null;
        }, Timeout, "kubectl get pm showing pool Progressing canary-25 25 3/3 1/1");
        output.WriteLine($"kubectl get pm rows seen: {string.Join(" | ", rows.Distinct())}");
        Assert.Equal(["NAME", "PHASE", "STAGE", "WEIGHT", "V1", "V2", "AGE"], header!);

        var gate = await kit.WaitForAsync("pool", m => m.Status is { Phase: Phases.AwaitingApproval, StageName: "half" }, Timeout, "the half gate");
        AssertAllConditions(gate, expectTrue: [ConditionTypes.Ready, ConditionTypes.Healthy]);
        Assert.False(waiting.IsCompleted, "kubectl wait returned before the migration completed");

        await kubectl.RunCheckedAsync("annotate", "pm/pool", $"{ActionAnnotations.Approve}=go", "--overwrite");
        var approvedAt = Stopwatch.StartNew();
        var result = await waiting;
        output.WriteLine($"kubectl wait returned {approvedAt.ElapsedMilliseconds} ms after the approval: exit {result.ExitCode}, {result.StandardOutput.Trim()} {result.StandardError.Trim()}");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("condition met", result.StandardOutput, StringComparison.Ordinal);

        var completed = await kit.GetAsync("pool");
        Assert.Equal(Phases.Completed, completed.Status!.Phase);
        AssertAllConditions(completed, expectTrue: [ConditionTypes.Ready, ConditionTypes.Healthy, ConditionTypes.Completed]);

        await kit.WaitForEventAsync("pool", "Completed");
        var events = await kit.EventsAsync("pool");
        var stageStarts = events.Where(e => e.Reason == "StageStarted").Select(e => e.Message).ToList();
        output.WriteLine($"StageStarted: {string.Join(" | ", stageStarts)}");
        Assert.Equal(3, stageStarts.Count);
        Assert.All(["canary-25", "half", "full"], stage => Assert.Contains(stageStarts, m => m.Contains($"stage {stage} ", StringComparison.Ordinal)));
        Assert.Single(events, e => e.Reason == "AwaitingApproval");
        Assert.Contains(events, e => e.Reason == "Completed");
    }

    [Fact]
    public async Task ARollbackShowsInConditionsAndWarningEvents()
    {
        var ns = await cluster.CreateNamespaceAsync("observable-rollback");
        var kit = new MigrationKit(cluster, ns);
        var kubectl = new Kubectl(cluster, ns);
        await kit.CreatePoolAsync("pool", 4);
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");
        await kit.CreateAsync(MigrationKit.Migration("pool", Stages.Weighted("canary-25", 25, "1m"), Stages.Weighted("full", 100)));
        await kit.WaitForAsync("pool", m => m.Status is { StageName: "canary-25", Weight: 25 }, Timeout, "canary-25 at 25%");

        var waiting = kubectl.RunAsync("wait", "--for=condition=RolledBack", "pm/pool", "--timeout=60s");
        await kubectl.RunCheckedAsync("annotate", "pm/pool", $"{ActionAnnotations.Abort}=stop", "--overwrite");
        var result = await waiting;
        Assert.True(result.ExitCode == 0, $"kubectl wait for RolledBack: {result.StandardError}");

        var rolledBack = await kit.GetAsync("pool");
        Assert.Equal(Phases.RolledBack, rolledBack.Status!.Phase);
        AssertAllConditions(rolledBack, expectTrue: [ConditionTypes.Ready, ConditionTypes.Healthy, ConditionTypes.RolledBack]);
        await kit.WaitForEventAsync("pool", "RolledBack");
        var warnings = (await kit.EventsAsync("pool")).Where(e => e.Type == "Warning").ToList();
        output.WriteLine(string.Join(Environment.NewLine, warnings.Select(e => $"{e.Reason}: {e.Message}")));
        Assert.Contains(warnings, e => e.Reason == "RollbackTriggered" && e.Message.Contains("canary-25", StringComparison.Ordinal));
        Assert.Contains(warnings, e => e.Reason == "RolledBack");
    }

    /// <summary>
    /// Every condition type of the contract is there, for this generation, and exactly the expected ones are True.
    /// DisruptionBudgets and TrafficIsolation are left out: each reports only while it applies (docs/production-pools.md,
    /// docs/traffic.md).
    /// </summary>
    private void AssertAllConditions(PoolMigration migration, string[] expectTrue)
    {
        var all = migration.Status!.Conditions ?? [];
        output.WriteLine($"{migration.Status.Phase}: " + string.Join("; ", all.Select(c => $"{c.Type}={c.Status} ({c.Reason}, gen {c.ObservedGeneration})")));
        var conditions = all.Where(c => c.Type != ConditionTypes.DisruptionBudgets && c.Type != ConditionTypes.TrafficIsolation).ToList();
        Assert.Equal(AllConditions.Order(), conditions.Select(c => c.Type).Order());
        Assert.All(conditions, c =>
        {
            Assert.Equal(migration.Metadata.Generation, c.ObservedGeneration);
            Assert.Equal(expectTrue.Contains(c.Type) ? "True" : "False", c.Status);
            Assert.False(string.IsNullOrEmpty(c.Reason));
            Assert.NotEqual(default, c.LastTransitionTime);
        });
    }

    [GeneratedRegex(@"^pool\s+Progressing\s+canary-25\s+25\s+3/3\s+1/1\s+\S+\s*$")]
    private static partial Regex QuarterRow();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
