using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.Tests.Shared;
using Xunit;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// Gateway API HTTPRoutes on the test cluster: installs the Gateway API project's own HTTPRoute CRD (standard channel,
/// tests/PoolOperator.IntegrationTests/GatewayApi/crd/) when absent, as its README says for Kubernetes 1.20.
/// </summary>
internal static class HttpRouteKit
{
    public const string Group = "gateway.networking.k8s.io";
    public const string Version = "v1";
    public const string Plural = "httproutes";

    public static async Task EnsureInstalledAsync(ClusterFixture cluster)
    {
        var crd = OfficialCrd();
        var existing = await ReadOrNullAsync(cluster, crd.Metadata.Name).ConfigureAwait(false);
        if (existing is not null && existing.Spec.Versions.Any(v => v.Schema?.OpenAPIV3Schema?.XKubernetesPreserveUnknownFields == true))
        {
            throw new InvalidOperationException($"{crd.Metadata.Name} on this cluster is not the Gateway API project's CRD (its schema is left open)");
        }

        if (existing is null)
        {
            try
            {
                await cluster.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
            }
        }

        await cluster.WaitForAsync(
            async () => (await cluster.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Metadata.Name).ConfigureAwait(false))
                .Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true,
            TimeSpan.FromSeconds(30),
            $"CustomResourceDefinition {crd.Metadata.Name} Established").ConfigureAwait(false);
    }

    /// <summary>The official CRD without its empty-string defaults, which the 1.20 apiserver rejects.</summary>
    public static V1CustomResourceDefinition OfficialCrd()
    {
        var yaml = File.ReadAllLines(RepositoryFiles.PathOf("tests", "PoolOperator.IntegrationTests", "GatewayApi", "crd", "gateway.networking.k8s.io_httproutes.yaml"))
            .Where(line => line.Trim() != "default: \"\"");
        var stripped = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(stripped, yaml);
            var document = Assert.Single(YamlJson.LoadDocuments(stripped));
            return KubernetesJson.Deserialize<V1CustomResourceDefinition>(document.ToJsonString());
        }
        finally
        {
            File.Delete(stripped);
        }
    }

    /// <summary>The route's <c>spec</c> as stored.</summary>
    public static async Task<JsonObject> SpecAsync(MigrationKit kit, string name)
    {
        var element = await kit.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(Group, Version, kit.Namespace, Plural, name).ConfigureAwait(false);
        return JsonNode.Parse(element.GetRawText())!["spec"]!.AsObject();
    }

    /// <summary>Creates a route with <paramref name="spec"/> as a user would write it.</summary>
    public static Task CreateAsync(MigrationKit kit, string name, JsonObject spec)
    {
        var route = new JsonObject
        {
            ["apiVersion"] = $"{Group}/{Version}",
            ["kind"] = "HTTPRoute",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = spec,
        };
        return kit.Client.CustomObjects.CreateNamespacedCustomObjectAsync(JsonDocument.Parse(route.ToJsonString()).RootElement, Group, Version, kit.Namespace, Plural);
    }

    /// <summary>The controller that accepts routes in these tests, as <c>status.parents[].controllerName</c> names it.</summary>
    public const string ControllerName = "example.io/gateway-controller";

    /// <summary>Writes the status a gateway controller writes when it accepts the route, through the status subresource.</summary>
    public static Task AcceptAsync(MigrationKit kit, string name) =>
        kit.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch(JsonNode.Parse($$$"""
                {"status": {"parents": [{
                  "parentRef": {"name": "gateway"},
                  "controllerName": "{{{ControllerName}}}",
                  "conditions": [{"type": "Accepted", "status": "True", "reason": "Accepted", "message": "Route is accepted", "lastTransitionTime": "2026-11-30T09:00:00Z"}]
                }]}}
                """)!.ToJsonString(), V1Patch.PatchType.MergePatch),
            Group, Version, kit.Namespace, Plural, name);

    /// <summary>The route's <c>status</c> as stored, or null.</summary>
    public static async Task<JsonNode?> StatusAsync(MigrationKit kit, string name)
    {
        var element = await kit.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(Group, Version, kit.Namespace, Plural, name).ConfigureAwait(false);
        return JsonNode.Parse(element.GetRawText())!["status"];
    }

    private static async Task<V1CustomResourceDefinition?> ReadOrNullAsync(ClusterFixture cluster, string name)
    {
        try
        {
            return await cluster.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Creates route <paramref name="name"/> with one rule whose backendRefs are the two Services at the given weights.</summary>
    public static Task CreateAsync(MigrationKit kit, string name, string v1Service, int v1Weight, string v2Service, int v2Weight)
    {
        var route = new
        {
            apiVersion = $"{Group}/{Version}",
            kind = "HTTPRoute",
            metadata = new { name },
            spec = new
            {
                parentRefs = new[] { new { name = "gateway" } },
                rules = new[]
                {
                    new
                    {
                        backendRefs = new[]
                        {
                            new { name = v1Service, port = 80, weight = v1Weight },
                            new { name = v2Service, port = 80, weight = v2Weight },
                        },
                    },
                },
            },
        };
        return kit.Client.CustomObjects.CreateNamespacedCustomObjectAsync(route, Group, Version, kit.Namespace, Plural);
    }

    /// <summary>The weight of each backendRef, by Service name.</summary>
    public static async Task<IReadOnlyDictionary<string, int>> WeightsAsync(MigrationKit kit, string name)
    {
        var element = await kit.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(Group, Version, kit.Namespace, Plural, name).ConfigureAwait(false);
        var route = JsonNode.Parse(element.GetRawText())!;
        return (route["spec"]?["rules"] as JsonArray ?? [])
            .SelectMany(rule => rule?["backendRefs"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .ToDictionary(b => b["name"]!.GetValue<string>(), b => b["weight"]?.GetValue<int>() ?? 1);
    }
}
