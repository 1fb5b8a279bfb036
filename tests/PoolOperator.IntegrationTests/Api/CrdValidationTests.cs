using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.IntegrationTests.Manifests;
using PoolOperator.Tests.Shared;
using Xunit;

namespace PoolOperator.IntegrationTests.Api;

/// <summary>
/// The CRD against a real apiserver: the shipped examples are accepted, every manifest under
/// Manifests/invalid is refused with a message naming the field, defaults are filled in, and the status
/// the operator writes survives pruning and feeds the printer columns.
/// </summary>
[Collection("cluster")]
public sealed class CrdValidationTests(ClusterFixture cluster) : IAsyncLifetime
{
    private static readonly string CrdName = $"{PoolMigration.Plural}.{PoolMigration.Group}";
    private static readonly SemaphoreSlim InstallOnce = new(1, 1);
    private static bool s_installed;

    private string _namespace = "";

    public static TheoryData<string> InvalidManifests => [.. InvalidManifest.FileNames()];

    public static TheoryData<string> ExampleMigrations => ["poolmigration.yaml", "poolmigration-minimal.yaml", "poolmigration-quickstart.yaml"];

    public async Task InitializeAsync()
    {
        await InstallOnce.WaitAsync();
        try
        {
            if (!s_installed)
            {
                await InstallCrdAsync();
                s_installed = true;
            }
        }
        finally
        {
            InstallOnce.Release();
        }

        _namespace = await cluster.CreateNamespaceAsync("crd");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_example_deployments_and_services_apply()
    {
        foreach (var document in YamlJson.LoadDocuments(RepositoryFiles.PathOf("docs", "examples", "session-pool.yaml")))
        {
            var json = document.ToJsonString();
            switch ((string?)document["kind"])
            {
                case "Deployment":
                    var deployment = KubernetesJson.Deserialize<V1Deployment>(json);
                    await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, _namespace, dryRun: "All");
                    await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, _namespace);
                    break;
                case "Service":
                    var service = KubernetesJson.Deserialize<V1Service>(json);
                    await cluster.Client.CoreV1.CreateNamespacedServiceAsync(service, _namespace, dryRun: "All");
                    await cluster.Client.CoreV1.CreateNamespacedServiceAsync(service, _namespace);
                    break;
                default:
                    Assert.Fail($"unexpected kind {(string?)document["kind"]} in session-pool.yaml");
                    break;
            }
        }

        var deployments = await cluster.Client.AppsV1.ListNamespacedDeploymentAsync(_namespace);
        Assert.Equal(["session-pool-v1", "session-pool-v2"], deployments.Items.Select(item => item.Metadata.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ExampleMigrations))]
    public async Task The_example_migrations_are_accepted(string file)
    {
        var body = YamlJson.LoadDocuments(RepositoryFiles.PathOf("docs", "examples", file)).Single();

        await CreateAsync(body, dryRun: true);
        var created = await CreateAsync(body, dryRun: false);

        Assert.Equal((string?)body["metadata"]!["name"], created.Metadata.Name);
        Assert.Equal(body["spec"]!["stages"]!.AsArray().Count, created.Spec.Stages.Count);
    }

    [Theory]
    [MemberData(nameof(InvalidManifests))]
    public async Task Invalid_manifests_are_rejected_with_a_message_naming_the_field(string file)
    {
        var manifest = InvalidManifest.Load(file);

        foreach (var dryRun in new[] { true, false })
        {
            var failure = await Assert.ThrowsAsync<HttpOperationException>(() => CreateAsync(manifest.Body, dryRun));

            Assert.Equal(HttpStatusCode.UnprocessableEntity, failure.Response.StatusCode);
            var message = KubernetesJson.Deserialize<V1Status>(failure.Response.Content).Message ?? "";
            var unmet = manifest.Unmet(message);
            Assert.True(unmet.Count == 0, $"{file} (dryRun={dryRun}): the apiserver said\n{message}\nwhich does not contain: {string.Join(" | ", unmet)}");
        }
    }

    [Fact]
    public async Task The_apiserver_fills_in_the_contract_defaults()
    {
        var body = YamlJson.LoadDocuments(RepositoryFiles.PathOf("docs", "examples", "poolmigration-minimal.yaml")).Single();

        var spec = (await CreateAsync(body, dryRun: false)).Spec;

        Assert.False(spec.Paused);
        Assert.Equal(600, spec.ProgressDeadlineSeconds);
        Assert.Equal("30s", spec.Analysis?.Interval);
        Assert.Equal(3, spec.Analysis?.FailureLimit);
        Assert.Equal(5, spec.Analysis?.InconclusiveLimit);
        Assert.True(spec.Rollback?.Automatic);
        Assert.Equal(30, spec.Rollback?.ScaleDownDelaySeconds);
        Assert.Equal(600, spec.Completion?.RollbackWindowSeconds);
        Assert.Null(spec.Replicas);
    }

    [Fact]
    public async Task Status_written_through_the_subresource_survives_pruning()
    {
        var body = YamlJson.LoadDocuments(RepositoryFiles.PathOf("docs", "examples", "poolmigration-minimal.yaml")).Single();
        var created = await CreateAsync(body, dryRun: false);
        var at = new DateTime(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc);
        var status = new PoolMigrationStatus
        {
            ObservedGeneration = created.Metadata.Generation,
            Phase = "Progressing",
            StageIndex = 0,
            StageName = "canary",
            StageStartedAt = at,
            Weight = 10,
            V1 = new() { Replicas = 9, ReadyReplicas = 9 },
            V2 = new() { Replicas = 1, ReadyReplicas = 0 },
            HandledActions = new() { Approve = "token-1" },
            Rollback = new() { Trigger = "v2-error-rate", Reason = "too many errors", At = at, Snapshot = { ["v2-error-rate"] = new() { Name = "v2-error-rate", Verdict = "Fail", Value = 0.2 } } },
            Conditions = [new() { Type = "Progressing", Status = "True", Reason = "StageStarted", Message = "canary", LastTransitionTime = at, ObservedGeneration = 1 }],
        };

        await cluster.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch(JsonSerializer.Serialize(new JsonObject { ["status"] = JsonNode.Parse(KubernetesJson.Serialize(status)) }), V1Patch.PatchType.MergePatch),
            PoolMigration.Group, PoolMigration.Version, _namespace, PoolMigration.Plural, created.Metadata.Name);
        var read = KubernetesJson.Deserialize<PoolMigration>(((JsonElement)await cluster.Client.CustomObjects.GetNamespacedCustomObjectAsync(
            PoolMigration.Group, PoolMigration.Version, _namespace, PoolMigration.Plural, created.Metadata.Name)).GetRawText());

        Assert.Equal(KubernetesJson.Serialize(status), KubernetesJson.Serialize(read.Status));
    }

    [Fact]
    public async Task A_status_phase_outside_the_contract_is_refused()
    {
        var body = YamlJson.LoadDocuments(RepositoryFiles.PathOf("docs", "examples", "poolmigration-minimal.yaml")).Single();
        var created = await CreateAsync(body, dryRun: false);

        var failure = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"phase":"Sideways"}}""", V1Patch.PatchType.MergePatch),
            PoolMigration.Group, PoolMigration.Version, _namespace, PoolMigration.Plural, created.Metadata.Name));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, failure.Response.StatusCode);
        Assert.Contains("status.phase: Unsupported value: \"Sideways\"", KubernetesJson.Deserialize<V1Status>(failure.Response.Content).Message, StringComparison.Ordinal);
    }

    private async Task<PoolMigration> CreateAsync(JsonObject body, bool dryRun)
    {
        var created = await cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            body, PoolMigration.Group, PoolMigration.Version, _namespace, PoolMigration.Plural, dryRun: dryRun ? "All" : null);
        return KubernetesJson.Deserialize<PoolMigration>(((JsonElement)created).GetRawText());
    }

    /// <summary>Installs this repository's CRD (replacing an older one) and waits until it is served.</summary>
    private async Task InstallCrdAsync()
    {
        var document = YamlJson.LoadDocuments(RepositoryFiles.PathOf("crds", $"{CrdName}.yaml")).Single();
        var crd = KubernetesJson.Deserialize<V1CustomResourceDefinition>(document.ToJsonString());
        try
        {
            await cluster.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        }
        catch (HttpOperationException conflict) when (conflict.Response.StatusCode == HttpStatusCode.Conflict)
        {
            var existing = await cluster.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(CrdName);
            crd.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
            await cluster.Client.ApiextensionsV1.ReplaceCustomResourceDefinitionAsync(crd, CrdName);
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var current = await cluster.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(CrdName);
            var established = current.Status?.Conditions?.Any(condition => condition is { Type: "Established", Status: "True" }) == true;
            if (established)
            {
                try
                {
                    await cluster.Client.CustomObjects.ListClusterCustomObjectAsync(PoolMigration.Group, PoolMigration.Version, PoolMigration.Plural);
                    return;
                }
                catch (HttpOperationException notYet) when (notYet.Response.StatusCode == HttpStatusCode.NotFound)
                {
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"CRD {CrdName} not served within 60 s");
            }

            await Task.Delay(200);
        }
    }
}
