using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>The operator's watches survive an apiserver restart and catch up with what changed meanwhile.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ApiServerRestartTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const string Token = "approved-during-outage";

    [LocalControlPlaneFact]
    public async Task ChangesMadeWhileTheApiServerWasDownAreHandledOnceItIsBack()
    {
        var plane = cluster.ControlPlane!;
        var ns = await cluster.CreateNamespaceAsync("apiserver-restart");
        var kit = new MigrationKit(cluster, ns);
        await Task.WhenAll(kit.CreatePoolAsync("gated", 4), kit.CreatePoolAsync("moving", 4), kit.CreatePoolAsync("fresh", 4));
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");

        // "gated" waits for approval with no timer due (10 min analysis interval, 5 min resync): only the watch can
        // tell the operator that it was approved. "moving" is mid-stage when the apiserver goes.
        var gated = MigrationKit.Migration("gated",
            new MigrationStage { Name = "canary-25", Weight = 25, Duration = "1s", Approval = "Required" },
            new MigrationStage { Name = "full", Weight = 100, Duration = "1s" });
        gated.Spec.Analysis = new AnalysisSpec { Interval = "10m" };
        await kit.CreateAsync(gated);
        var moving = MigrationKit.Migration("moving",
            new MigrationStage { Name = "canary-25", Weight = 25, Duration = "4s" },
            new MigrationStage { Name = "full", Weight = 100, Duration = "1s" });
        await kit.CreateAsync(moving);
        await kit.WaitForPhaseAsync("gated", Phases.AwaitingApproval, TimeSpan.FromSeconds(60));
        var inFlight = await kit.WaitForAsync("moving", m => m.Status?.StageReadyAt is not null && m.Status.Phase == Phases.Progressing,
            TimeSpan.FromSeconds(60), "mid-stage canary-25");

        using var etcd = new EtcdStore(plane.EtcdUri);
        var gatedKey = EtcdStore.CustomResourceKey(PoolMigration.Group, PoolMigration.Plural, ns, "gated");
        var freshKey = EtcdStore.CustomResourceKey(PoolMigration.Group, PoolMigration.Plural, ns, "fresh");
        Assert.NotNull(await etcd.GetAsync(gatedKey));

        var outage = Stopwatch.StartNew();
        await plane.StopApiServerAsync();
        try
        {
            // Written straight into etcd, as another apiserver replica would while this one is away.
            var stored = (await etcd.GetAsync(gatedKey))!;
            var metadata = stored["metadata"]!.AsObject();
            if (metadata["annotations"] is not JsonObject annotations)
            {
                annotations = [];
                metadata["annotations"] = annotations;
            }

            annotations[ActionAnnotations.Approve] = Token;
            await etcd.PutAsync(gatedKey, stored);
            await etcd.PutAsync(freshKey, StoredNew(MigrationKit.Migration("fresh"), ns));
        }
        finally
        {
            await plane.StartApiServerAsync();
        }

        var down = outage.Elapsed;
        var back = Stopwatch.StartNew();
        output.WriteLine($"apiserver down for {down.TotalSeconds:F1} s (moving was at {inFlight.Status!.StageName}, weight {inFlight.Status.Weight})");

        await kit.WaitForAsync("gated", m => m.Status?.HandledActions?.Approve == Token, TimeSpan.FromSeconds(60), "the approval made during the outage");
        output.WriteLine($"gated: approval handled {back.Elapsed.TotalSeconds:F1} s after the apiserver was back");
        await kit.WaitForAsync("fresh", m => m.Status?.Phase is not null, TimeSpan.FromSeconds(60), "a status for the migration created during the outage");
        output.WriteLine($"fresh: first status {back.Elapsed.TotalSeconds:F1} s after the apiserver was back");

        var done = new Dictionary<string, TimeSpan>();
        foreach (var name in new[] { "moving", "gated", "fresh" })
        {
            var completed = await kit.WaitForPhaseAsync(name, Phases.Completed, TimeSpan.FromSeconds(90));
            done[name] = back.Elapsed;
            Assert.Equal(100, completed.Status!.Weight);
            Assert.Equal(0, (await kit.ReadDeploymentAsync($"{name}-v1")).Spec.Replicas);
            Assert.Equal(4, (await kit.ReadDeploymentAsync($"{name}-v2")).Spec.Replicas);
        }

        output.WriteLine("Completed after the apiserver was back: " + string.Join(", ", done.Select(d => $"{d.Key} {d.Value.TotalSeconds:F1} s")));
        Assert.Equal(1, (await kit.GetAsync("fresh")).Status!.Run);
    }

    /// <summary>The JSON the apiserver would have stored for a newly created <paramref name="migration"/>.</summary>
    private static JsonObject StoredNew(PoolMigration migration, string ns)
    {
        migration.Metadata.NamespaceProperty = ns;
        migration.Metadata.Uid = Guid.NewGuid().ToString();
        migration.Metadata.Generation = 1;
        migration.Metadata.CreationTimestamp = DateTime.UtcNow;
        return JsonNode.Parse(KubernetesJson.Serialize(migration))!.AsObject();
    }
}
