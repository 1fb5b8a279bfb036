using System.Globalization;
using System.Text.Json;
using k8s;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>The flags ConfigMap the client SDK reads: rollout.json in the contract's shape at every stage, and put back on rollback.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FlagsConfigMapTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const int Total = 4;
    private const string ConfigMap = "pool-rollout";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly string[] ContractKeys = ["migration", "generation", "v2Percent", "shadowPercent", "phase", "overrides", "updatedAt"];

    [Fact]
    public async Task RolloutJsonCarriesEachStageInTheContractShape()
    {
        var ns = await cluster.CreateNamespaceAsync("flags-stages");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", Total);
        var previous = PreviousRolloutJson(ns);
        await CreateFlagsConfigMapAsync(kit, previous);
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");

        var migration = MigrationKit.Migration("pool", Stages.Shadow("shadow", 50, "3s"), Stages.Weighted("canary-25", 25, "3s"), Stages.Weighted("full", 100));
        migration.Spec.TrafficRouting = new TrafficRoutingSpec
        {
            Flags = new FlagsRouting { ConfigMap = ConfigMap, Overrides = new Dictionary<string, string> { ["session-42"] = "v2", ["session-7"] = "v1" } },
        };

        IReadOnlyList<PoolSample> samples;
        await using (var sampler = PoolSampler.Start(kit, "pool", ConfigMap))
        {
            await kit.CreateAsync(migration);
            await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
            await cluster.WaitForAsync(() => Task.FromResult(sampler.Samples.Any(s => s.RolloutJson?.Contains("\"Completed\"", StringComparison.Ordinal) == true)), Timeout, "rollout.json of the completed migration sampled");
            samples = sampler.Samples;
        }

        var documents = samples.Select(s => s.RolloutJson).OfType<string>().Where(json => json != previous).Distinct().ToList();
        var states = new List<(string Phase, int V2, int Shadow)>();
        foreach (var json in documents)
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            Assert.Equal(ContractKeys.Order(), root.EnumerateObject().Select(p => p.Name).Order());
            Assert.Equal($"{ns}/pool", root.GetProperty("migration").GetString());
            Assert.Equal(1, root.GetProperty("generation").GetInt64());
            Assert.Equal(new Dictionary<string, string> { ["session-42"] = "v2", ["session-7"] = "v1" },
                root.GetProperty("overrides").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!));
            Assert.True(DateTimeOffset.TryParse(root.GetProperty("updatedAt").GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out _), $"updatedAt in {json}");
            var state = (root.GetProperty("phase").GetString()!, root.GetProperty("v2Percent").GetInt32(), root.GetProperty("shadowPercent").GetInt32());
            if (!states.Contains(state))
            {
                states.Add(state);
            }
        }

        output.WriteLine($"{documents.Count} distinct rollout.json values; states in order: {string.Join(" -> ", states)}");
        output.WriteLine($"last: {documents[^1]}");

        // The phase a reader sees agrees with the traffic split next to it.
        Assert.All(states, s =>
        {
            Assert.Contains(s.V2, new[] { 0, 25, 100 });
            Assert.Contains(s.Shadow, new[] { 0, 50 });
            if (s.Phase == Phases.Shadowing)
            {
                Assert.Equal(0, s.V2);
            }

            if (s.V2 > 0)
            {
                Assert.DoesNotContain(s.Phase, new[] { Phases.Initializing, Phases.Shadowing });
                Assert.Equal(0, s.Shadow);
            }

            if (s.Phase == Phases.Completed)
            {
                Assert.Equal((100, 0), (s.V2, s.Shadow));
            }
        });
        Assert.Contains((Phases.Shadowing, 0, 50), states);
        Assert.Contains((Phases.Progressing, 25, 0), states);
        Assert.Equal((Phases.Completed, 100, 0), states[^1]);

        var configMap = await kit.Client.CoreV1.ReadNamespacedConfigMapAsync(ConfigMap, ns);
        Assert.Equal("platform", configMap.Data["owner"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ARollbackRestoresThePreMigrationRolloutJson(bool existedBefore)
    {
        var ns = await cluster.CreateNamespaceAsync(existedBefore ? "flags-restore" : "flags-fresh");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", Total);
        var previous = PreviousRolloutJson(ns);
        if (existedBefore)
        {
            await CreateFlagsConfigMapAsync(kit, previous);
        }

        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");
        var migration = MigrationKit.Migration("pool", Stages.Weighted("canary-25", 25, "1m"), Stages.Weighted("full", 100));
        migration.Spec.TrafficRouting = new TrafficRoutingSpec { Flags = new FlagsRouting { ConfigMap = ConfigMap } };
        await kit.CreateAsync(migration);

        await cluster.WaitForAsync(async () => (await RolloutJsonAsync(kit))?.Contains("\"v2Percent\":25", StringComparison.Ordinal) == true, Timeout, "rollout.json at 25%");
        await kit.AnnotateAsync("pool", ActionAnnotations.Abort, "abort-1");
        var rolledBack = await kit.WaitForPhaseAsync("pool", Phases.RolledBack, Timeout);
        Assert.Equal(existedBefore, rolledBack.Status!.Original!.Flags!.Existed);

        // The status says RolledBack before the round that wrote it publishes the phase: wait for the flags to say so too.
        await cluster.WaitForAsync(
            async () => existedBefore || (await RolloutJsonAsync(kit))?.Contains($"\"phase\":\"{Phases.RolledBack}\"", StringComparison.Ordinal) == true,
            Timeout, "rollout.json to publish RolledBack");
        var restored = await RolloutJsonAsync(kit);
        output.WriteLine($"after the rollback: {restored}");
        if (existedBefore)
        {
            // Byte for byte: the SDK sees exactly what it saw before the migration began.
            Assert.Equal(previous, restored);
        }
        else
        {
            using var document = JsonDocument.Parse(restored!);
            Assert.Equal(0, document.RootElement.GetProperty("v2Percent").GetInt32());
            Assert.Equal(0, document.RootElement.GetProperty("shadowPercent").GetInt32());
        }

        await Hold.ForAsync(TimeSpan.FromSeconds(3), async () =>
        {
            var now = await RolloutJsonAsync(kit);
            return now == restored ? null : $"rollout.json changed to {now}";
        }, "restored rollout.json left alone");
    }

    /// <summary>What an earlier migration left behind; formatted by hand so a rewrite would show.</summary>
    private static string PreviousRolloutJson(string ns) =>
        $$"""{ "migration": "{{ns}}/older", "generation": 7, "v2Percent": 0, "shadowPercent": 0, "phase": "RolledBack", "overrides": {}, "updatedAt": "2026-01-01T00:00:00Z" }""";

    private static Task<V1ConfigMap> CreateFlagsConfigMapAsync(MigrationKit kit, string rolloutJson) =>
        kit.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = ConfigMap },
            Data = new Dictionary<string, string> { ["rollout.json"] = rolloutJson, ["owner"] = "platform" },
        }, kit.Namespace);

    private static async Task<string?> RolloutJsonAsync(MigrationKit kit)
    {
        var configMap = await kit.Client.CoreV1.ReadNamespacedConfigMapAsync(ConfigMap, kit.Namespace);
        return configMap.Data?.TryGetValue("rollout.json", out var json) == true ? json : null;
    }
}
