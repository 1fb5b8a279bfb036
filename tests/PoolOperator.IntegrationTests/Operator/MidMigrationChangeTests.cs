using k8s;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>What happens when the ground moves under a running migration: a spec edit, a V2 rebuild, a deleted Deployment.</summary>
[Collection(ClusterCollection.Name)]
public sealed class MidMigrationChangeTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const int Total = 4;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ASpecEditMidMigrationRestartsFromTheFirstStageKeepingTheOriginal()
    {
        var (kit, instance) = await StartAsync("spec-edit");
        await using var running = instance;
        var atHalf = await WaitAtHalfAsync(kit);
        var original = KubernetesJson.Serialize(atHalf.Status!.Original);

        await kit.PatchSpecAsync("pool", new
        {
            stages = new object[]
            {
                new { name = "canary-25", weight = 25, duration = "2s" },
                new { name = "half", weight = 50, duration = "2s" },
                new { name = "full", weight = 100, duration = "1s" },
            },
        });
        var restarted = await kit.WaitForAsync("pool", m => m.Status?.ObservedGeneration == 2, Timeout, "generation 2 observed");
        output.WriteLine($"after the edit: run {restarted.Status!.Run}, stage {restarted.Status.StageIndex} {restarted.Status.StageName}, weight {restarted.Status.Weight}");
        Assert.Equal(atHalf.Status.Run + 1, restarted.Status.Run);
        Assert.Equal(0, restarted.Status.StageIndex);
        Assert.Equal(original, KubernetesJson.Serialize(restarted.Status.Original));
        await kit.WaitForEventAsync("pool", "SpecChanged");

        var completed = await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
        Assert.Equal(restarted.Status.Run, completed.Status!.Run);
        Assert.Equal(original, KubernetesJson.Serialize(completed.Status.Original));
    }

    [Fact]
    public async Task AV2PodTemplateChangeMidMigrationRestartsFromTheFirstStage()
    {
        var (kit, instance) = await StartAsync("v2-template");
        await using var running = instance;
        var atHalf = await WaitAtHalfAsync(kit);
        var original = KubernetesJson.Serialize(atHalf.Status!.Original);

        // A new V2 build: only the pod template changes, as a CI pipeline would change the image.
        var rebuild = new { spec = new { template = new { metadata = new { annotations = new Dictionary<string, string> { ["example.com/build"] = "2" } } } } };
        await kit.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(rebuild, V1Patch.PatchType.MergePatch), "pool-v2", kit.Namespace);

        var restarted = await kit.WaitForAsync("pool", m => m.Status?.Run == atHalf.Status.Run + 1, Timeout, "a new run");
        output.WriteLine($"after the rebuild: run {restarted.Status!.Run}, stage {restarted.Status.StageIndex} {restarted.Status.StageName}, weight {restarted.Status.Weight}");
        Assert.Equal(0, restarted.Status.StageIndex);
        Assert.Equal(1, restarted.Status.ObservedGeneration);
        Assert.Equal(original, KubernetesJson.Serialize(restarted.Status.Original));
        await kit.WaitForEventAsync("pool", "V2TemplateChanged");

        await kit.PatchSpecAsync("pool", new { stages = FastStages() });
        var completed = await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
        Assert.Equal(Total, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);
        Assert.Equal(original, KubernetesJson.Serialize(completed.Status!.Original));
    }

    [Theory]
    [InlineData("pool-v1", "pool-v2")]
    [InlineData("pool-v2", "pool-v1")]
    public async Task ADeploymentDeletedMidMigrationPausesTouchingNothingAndRecreatingItContinues(string deleted, string other)
    {
        var (kit, instance) = await StartAsync("deleted-" + deleted, Stages.Weighted("canary-25", 25, "3s"), Stages.Weighted("full", 100));
        await using var running = instance;
        var atQuarter = await kit.WaitForAsync("pool", m => m.Status is { StageName: "canary-25", Weight: 25, StageReadyAt: not null }, Timeout, "canary-25 with its capacity");
        var original = KubernetesJson.Serialize(atQuarter.Status!.Original);
        var versions = await Hold.SettledDeploymentVersionsAsync(kit, other);

        await kit.Client.AppsV1.DeleteNamespacedDeploymentAsync(deleted, kit.Namespace, propagationPolicy: "Background");
        var paused = await kit.WaitForPhaseAsync("pool", Phases.Paused, Timeout);
        output.WriteLine($"paused: {paused.Status!.Pause?.Reason}: {paused.Status.Pause?.Message}");
        Assert.Equal(PauseReasons.DeploymentMissing, paused.Status.Pause?.Reason);
        Assert.Contains(deleted, paused.Status.Pause?.Message, StringComparison.Ordinal);
        Assert.Equal("Warning", (await kit.WaitForEventAsync("pool", "DeploymentMissing")).Type);
        await Hold.ForAsync(TimeSpan.FromSeconds(4), async () =>
        {
            var now = await kit.GetAsync("pool");
            return now.Status?.Phase != Phases.Paused ? $"phase {now.Status?.Phase}" : await Hold.DeploymentsChangedAsync(kit, versions);
        }, $"paused with {other} untouched");

        // Put back as it was declared (V1 at its original size, V2 at 0): the migration picks up from where it stood.
        var track = deleted == "pool-v1" ? "v1" : "v2";
        await cluster.CreateDeploymentAsync(kit.Namespace, deleted, deleted == "pool-v1" ? Total : 0, new Dictionary<string, string> { ["app"] = "pool", ["track"] = track });
        var resumed = await kit.WaitForAsync("pool", m => m.Status?.Phase != Phases.Paused, Timeout, "no longer paused");
        output.WriteLine($"after recreating {deleted}: {resumed.Status!.Phase}, stage {resumed.Status.StageName}, run {resumed.Status.Run}");
        var completed = await kit.WaitForAsync("pool", m => m.Status?.Phase is Phases.Completed or Phases.RollingBack or Phases.RolledBack, Timeout, "the migration ends");
        Assert.True(completed.Status!.Phase == Phases.Completed, $"{completed.Status.Phase}: {completed.Status.Message}");
        Assert.Equal(original, KubernetesJson.Serialize(completed.Status.Original));
        await kit.WaitForEventAsync("pool", "DeploymentFound");
        Assert.Equal(Total, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);
    }

    private async Task<(MigrationKit Kit, OperatorInstance Instance)> StartAsync(string prefix, params MigrationStage[] stages)
    {
        var ns = await cluster.CreateNamespaceAsync(prefix);
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", Total);
        var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");
        try
        {
            await kit.CreateAsync(MigrationKit.Migration("pool", stages.Length > 0 ? stages :
            [
                Stages.Weighted("canary-25", 25, "3s"),
                Stages.Weighted("half", 50, "10m"),
                Stages.Weighted("full", 100),
            ]));
            return (kit, instance);
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    private static Task<PoolMigration> WaitAtHalfAsync(MigrationKit kit) =>
        kit.WaitForAsync("pool", m => m.Status is { StageName: "half", Weight: 50, StageReadyAt: not null }, Timeout, "half at 50% with its capacity");

    private static object[] FastStages() =>
    [
        new { name = "canary-25", weight = 25, duration = "1s" },
        new { name = "half", weight = 50, duration = "1s" },
        new { name = "full", weight = 100, duration = "1s" },
    ];
}
