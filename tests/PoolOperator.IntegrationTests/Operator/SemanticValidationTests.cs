using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>Bad input the 1.20 schema lets through: reported on the migration, and no Deployment is touched.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SemanticValidationTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const int Total = 4;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static TheoryData<string> Cases =>
    [
        "same-deployment", "missing-deployment", "last-weight-not-100", "decreasing-weights", "shadow-after-traffic", "overlapping-selectors",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AnInvalidSpecIsReportedTouchesNoDeploymentAndProceedsOnceFixed(string invalid)
    {
        var ns = await cluster.CreateNamespaceAsync("invalid-" + invalid);
        var kit = new MigrationKit(cluster, ns);
        var migration = MigrationKit.Migration("pool");
        var (field, fix, fixedV2) = await ArrangeAsync(invalid, kit, migration);
        var before = await Hold.SettledDeploymentVersionsAsync(kit, "pool-v1", "pool-v2");
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");

        await kit.CreateAsync(migration);
        var reported = await kit.WaitForPhaseAsync("pool", Phases.Invalid, Timeout);
        output.WriteLine($"{invalid}: {reported.Status!.Message}");
        Assert.Equal(1, reported.Status.ObservedGeneration);
        Assert.Null(reported.Status.Original);
        var condition = Assert.Single(reported.Status.Conditions!, c => c.Type == ConditionTypes.InvalidSpec);
        Assert.Equal("True", condition.Status);
        Assert.Equal(1, condition.ObservedGeneration);
        Assert.Contains(field, condition.Message, StringComparison.Ordinal);
        await kit.WaitForEventAsync("pool", "InvalidSpec");
        var warning = Assert.Single(await kit.EventsAsync("pool"), e => e.Reason == "InvalidSpec");
        Assert.Equal("Warning", warning.Type);
        Assert.Contains(field, warning.Message, StringComparison.Ordinal);

        // Not a write to either Deployment, from before the migration existed until well after it was judged.
        Assert.Null(await Hold.DeploymentsChangedAsync(kit, before));
        await Hold.ForAsync(TimeSpan.FromSeconds(4), async () =>
        {
            var now = await kit.GetAsync("pool");
            return now.Status?.Phase != Phases.Invalid ? $"phase {now.Status?.Phase}" : await Hold.DeploymentsChangedAsync(kit, before);
        }, "invalid and untouched");

        // A fixed spec is a new generation, and the migration runs.
        await kit.PatchSpecAsync("pool", fix);
        var running = await kit.WaitForAsync("pool", m => m.Status?.ObservedGeneration == 2 && m.Status.Phase != Phases.Invalid, Timeout, "the fixed spec accepted");
        Assert.Equal("False", running.Status!.Conditions!.Single(c => c.Type == ConditionTypes.InvalidSpec).Status);
        Assert.NotNull(running.Status.Original);
        await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
        Assert.Equal(Total, (await kit.ReadDeploymentAsync(fixedV2)).Spec.Replicas);
        Assert.Equal(0, (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas);
    }

    /// <returns>The field the message must name, the spec patch that fixes it, and the V2 Deployment after the fix.</returns>
    private async Task<(string Field, object Fix, string FixedV2)> ArrangeAsync(string invalid, MigrationKit kit, PoolMigration migration)
    {
        object[] goodStages =
        [
            new { name = "canary-25", weight = 25, duration = "1s" },
            new { name = "full", weight = 100, duration = "1s" },
        ];
        if (invalid == "overlapping-selectors")
        {
            // V1 selects app=pool, so it would count (and scale away) V2's pods labelled app=pool,track=v2.
            await cluster.CreateDeploymentAsync(kit.Namespace, "pool-v1", Total, new Dictionary<string, string> { ["app"] = "pool" });
            await cluster.CreateDeploymentAsync(kit.Namespace, "pool-v2", 0, new Dictionary<string, string> { ["app"] = "pool", ["track"] = "v2" });
            await cluster.CreateDeploymentAsync(kit.Namespace, "next-v2", 0, new Dictionary<string, string> { ["app"] = "next", ["track"] = "v2" });
            await cluster.WaitForAsync(async () => (await kit.ReadDeploymentAsync("pool-v1")).Status?.ReadyReplicas == Total, Timeout, "V1 ready");
            return ("spec.v2.deployment", new { v2 = new { deployment = "next-v2" } }, "next-v2");
        }

        await kit.CreatePoolAsync("pool", Total);
        switch (invalid)
        {
            case "same-deployment":
                migration.Spec.V2.Deployment = "pool-v1";
                return ("spec.v2.deployment", new { v2 = new { deployment = "pool-v2" } }, "pool-v2");
            case "missing-deployment":
                migration.Spec.V2.Deployment = "pool-v3";
                return ("spec.v2.deployment", new { v2 = new { deployment = "pool-v2" } }, "pool-v2");
            case "last-weight-not-100":
                migration.Spec.Stages = [Stages.Weighted("canary-25", 25), Stages.Weighted("half", 50)];
                return ("spec.stages[1].weight", new { stages = goodStages }, "pool-v2");
            case "decreasing-weights":
                migration.Spec.Stages = [Stages.Weighted("half", 50), Stages.Weighted("canary-25", 25), Stages.Weighted("full", 100)];
                return ("spec.stages[1].weight", new { stages = goodStages }, "pool-v2");
            case "shadow-after-traffic":
                migration.Spec.Stages = [Stages.Weighted("canary-25", 25), Stages.Shadow("shadow", 50), Stages.Weighted("full", 100)];
                return ("spec.stages[1].shadow", new { stages = goodStages }, "pool-v2");
            default:
                throw new ArgumentOutOfRangeException(nameof(invalid), invalid, "unknown case");
        }
    }
}
