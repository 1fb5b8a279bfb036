using System.Net;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// Every migration of <see cref="BadInputCases"/> at once against one operator: each ends Invalid with an InvalidSpec
/// condition naming its field and problem, and none of them touches a Deployment, a ConfigMap, an HTTPRoute or an HPA.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class BadInputTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task EverySchemaValidButUnusableMigrationIsInvalidNamesItsFieldAndTouchesNothing()
    {
        var cases = BadInputCases.All;
        Assert.True(cases.Count >= 40, $"{cases.Count} cases");
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());

        var ns = await cluster.CreateNamespaceAsync("bad-input");
        var kit = new MigrationKit(cluster, ns);
        var deployments = await ArrangeClusterAsync(kit);
        var before = await SnapshotAsync(kit, deployments);
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");

        var refusedBySchema = new List<string>();
        foreach (var invalid in cases)
        {
            var migration = MigrationKit.Migration(invalid.Name);
            migration.Spec.V1.Deployment = $"{invalid.Pool}-v1";
            migration.Spec.V2.Deployment = $"{invalid.Pool}-v2";
            invalid.Arrange(migration.Spec);
            try
            {
                await kit.CreateAsync(migration);
            }
            catch (HttpOperationException refused) when (refused.Response.StatusCode == HttpStatusCode.UnprocessableEntity)
            {
                refusedBySchema.Add($"{invalid.Name}: {refused.Response.Content}");
            }
        }

        Assert.True(refusedBySchema.Count == 0, "the cases are meant for the operator, but the schema refused:\n" + string.Join("\n", refusedBySchema));

        // Wait for all, then judge each: a message may first name a problem the cache had not yet settled.
        var expected = cases.ToDictionary(c => c.Name, c => $"{c.Field}: ", StringComparer.Ordinal);
        Dictionary<string, PoolMigration> judged = [];
        try
        {
            await cluster.WaitForAsync(async () =>
            {
                judged = (await ListAsync(kit)).ToDictionary(m => m.Metadata.Name, StringComparer.Ordinal);
                return cases.All(c => judged.TryGetValue(c.Name, out var m) && Reports(m, c));
            }, Timeout, "every bad migration Invalid with its own problem");
        }
        catch (TimeoutException)
        {
            output.WriteLine(Describe(cases, judged));
            throw;
        }

        output.WriteLine(Describe(cases, judged));
        foreach (var invalid in cases)
        {
            var migration = judged[invalid.Name];
            var condition = Assert.Single(migration.Status!.Conditions!, c => c.Type == ConditionTypes.InvalidSpec);
            Assert.Equal("True", condition.Status);
            Assert.Contains($"{invalid.Field}: {invalid.Problem}", condition.Message, StringComparison.Ordinal);
            Assert.Null(migration.Status.Original);
            Assert.Null(migration.Status.StageName);
        }

        // Nothing was touched while they were judged, nor for a while after.
        Assert.Null(await ChangedAsync(kit, before, deployments));
        await Hold.ForAsync(TimeSpan.FromSeconds(5), () => ChangedAsync(kit, before, deployments), "the cluster untouched by bad migrations");
        var warnings = (await kit.Client.CoreV1.ListNamespacedEventAsync(ns)).Items.Where(e => e.Reason == "InvalidSpec").Select(e => e.InvolvedObject.Name).ToHashSet();
        var withoutWarning = cases.Select(c => c.Name).Where(name => !warnings.Contains(name)).ToList();
        Assert.True(withoutWarning.Count == 0, $"no InvalidSpec Warning Event for {string.Join(", ", withoutWarning)}");
    }

    private static bool Reports(PoolMigration migration, BadInputCase invalid) =>
        migration.Status is { Phase: Phases.Invalid } status
        && status.Conditions?.SingleOrDefault(c => c.Type == ConditionTypes.InvalidSpec)?.Message is { } message
        && message.Contains($"{invalid.Field}: {invalid.Problem}", StringComparison.Ordinal);

    private static string Describe(IReadOnlyList<BadInputCase> cases, Dictionary<string, PoolMigration> judged)
    {
        var text = new StringBuilder();
        foreach (var invalid in cases)
        {
            var status = judged.GetValueOrDefault(invalid.Name)?.Status;
            text.AppendLine($"{(judged.TryGetValue(invalid.Name, out var m) && Reports(m, invalid) ? "ok  " : "MISS")} {invalid.Name}: {status?.Phase} | {status?.Message}");
        }

        return text.ToString();
    }

    /// <returns>Every Deployment name the cases use.</returns>
    private async Task<string[]> ArrangeClusterAsync(MigrationKit kit)
    {
        var ns = kit.Namespace;
        await kit.CreatePoolAsync("pool", 2);

        // V2's selector (app=lap) also matches V1's pods (app=lap, track=v1).
        await cluster.CreateDeploymentAsync(ns, "lap-v1", 1, new Dictionary<string, string> { ["app"] = "lap", ["track"] = "v1" });
        await cluster.CreateDeploymentAsync(ns, "lap-v2", 0, new Dictionary<string, string> { ["app"] = "lap", ["track"] = "v2" },
            selector: new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "lap" } });

        foreach (var pool in new[] { "hpa2", "hpatwo", "hparep", "hpasmall" })
        {
            await kit.CreatePoolAsync(pool, 1);
        }

        var hpaVersion = await AutoscalingVersionAsync(kit.Client);
        await CreateAutoscalerAsync(kit, hpaVersion, "hpa2-v2", "hpa2-v2", 1, 4);
        await CreateAutoscalerAsync(kit, hpaVersion, "hpatwo-v1", "hpatwo-v1", 1, 4);
        await CreateAutoscalerAsync(kit, hpaVersion, "hpatwo-v1-again", "hpatwo-v1", 1, 4);
        await CreateAutoscalerAsync(kit, hpaVersion, "hpatwo-v2", "hpatwo-v2", 1, 4);
        await CreateAutoscalerAsync(kit, hpaVersion, "hparep-v1", "hparep-v1", 1, 8);
        await CreateAutoscalerAsync(kit, hpaVersion, "hparep-v2", "hparep-v2", 1, 8);
        await CreateAutoscalerAsync(kit, hpaVersion, "hpasmall-v1", "hpasmall-v1", 1, 2);
        await CreateAutoscalerAsync(kit, hpaVersion, "hpasmall-v2", "hpasmall-v2", 1, 2);

        await HttpRouteKit.EnsureInstalledAsync(cluster);
        await HttpRouteKit.CreateAsync(kit, "elsewhere", "other-v1", 100, "other-v2", 0);

        await kit.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "prom-reader" },
            StringData = new Dictionary<string, string> { ["token"] = "reader-token", ["blank"] = " " },
        }, ns);
        await kit.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "basic-half" },
            StringData = new Dictionary<string, string> { ["username"] = "reader" },
        }, ns);

        string[] pools = ["pool", "lap", "hpa2", "hpatwo", "hparep", "hpasmall"];
        return [.. pools.SelectMany(pool => new[] { $"{pool}-v1", $"{pool}-v2" })];
    }

    private static async Task<string> AutoscalingVersionAsync(IKubernetes client)
    {
        var groups = await client.Apis.GetAPIVersionsAsync();
        return groups.Groups.Single(g => g.Name == "autoscaling").Versions.Any(v => v.Version == "v2") ? "v2" : "v2beta2";
    }

    private static Task CreateAutoscalerAsync(MigrationKit kit, string version, string name, string deployment, int min, int max) =>
        kit.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            new
            {
                apiVersion = $"autoscaling/{version}",
                kind = "HorizontalPodAutoscaler",
                metadata = new { name },
                spec = new
                {
                    scaleTargetRef = new { apiVersion = "apps/v1", kind = "Deployment", name = deployment },
                    minReplicas = min,
                    maxReplicas = max,
                    metrics = new[] { new { type = "Resource", resource = new { name = "cpu", target = new { type = "Utilization", averageUtilization = 70 } } } },
                },
            },
            "autoscaling", version, kit.Namespace, "horizontalpodautoscalers");

    private static async Task<IReadOnlyList<PoolMigration>> ListAsync(MigrationKit kit) =>
        (await kit.Client.CustomObjects.ListNamespacedCustomObjectAsync<PoolMigrationList>(
            PoolMigration.Group, PoolMigration.Version, kit.Namespace, PoolMigration.Plural)).Items.ToList();

    /// <summary>The resourceVersion of every object a migration could touch, by kind and name.</summary>
    private static async Task<Dictionary<string, string>> SnapshotAsync(MigrationKit kit, string[] deployments)
    {
        var versions = new Dictionary<string, string>(await Hold.SettledDeploymentVersionsAsync(kit, deployments));
        foreach (var (name, version) in await OthersAsync(kit))
        {
            versions[name] = version;
        }

        return versions;
    }

    /// <summary>ConfigMaps, HTTPRoutes and HPAs of the namespace: name to resourceVersion.</summary>
    private static async Task<Dictionary<string, string>> OthersAsync(MigrationKit kit)
    {
        var versions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var configMap in (await kit.Client.CoreV1.ListNamespacedConfigMapAsync(kit.Namespace)).Items)
        {
            versions[$"ConfigMap/{configMap.Metadata.Name}"] = configMap.ResourceVersion();
        }

        var hpaVersion = await AutoscalingVersionAsync(kit.Client);
        foreach (var (kind, group, version, plural) in new[]
        {
            ("HTTPRoute", HttpRouteKit.Group, HttpRouteKit.Version, HttpRouteKit.Plural),
            ("HorizontalPodAutoscaler", "autoscaling", hpaVersion, "horizontalpodautoscalers"),
        })
        {
            var list = await kit.Client.CustomObjects.ListNamespacedCustomObjectAsync<JsonElement>(group, version, kit.Namespace, plural);
            foreach (var item in list.GetProperty("items").EnumerateArray())
            {
                var metadata = item.GetProperty("metadata");
                versions[$"{kind}/{metadata.GetProperty("name").GetString()}"] = metadata.GetProperty("resourceVersion").GetString()!;
            }
        }

        return versions;
    }

    private static async Task<string?> ChangedAsync(MigrationKit kit, Dictionary<string, string> before, string[] deployments)
    {
        var deploymentVersions = before.Where(pair => deployments.Contains(pair.Key)).ToDictionary();
        if (await Hold.DeploymentsChangedAsync(kit, deploymentVersions) is { } changed)
        {
            return changed;
        }

        var now = await OthersAsync(kit);
        var others = before.Where(pair => !deployments.Contains(pair.Key)).ToDictionary();
        return now.Count == others.Count && now.All(pair => others.TryGetValue(pair.Key, out var version) && version == pair.Value)
            ? null
            : $"objects changed: before [{string.Join(", ", others.Select(p => $"{p.Key}@{p.Value}"))}], now [{string.Join(", ", now.Select(p => $"{p.Key}@{p.Value}"))}]";
    }
}
