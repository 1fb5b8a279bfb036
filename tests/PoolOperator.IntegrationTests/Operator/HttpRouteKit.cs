using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PoolOperator.IntegrationTests.Infrastructure;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// Gateway API HTTPRoutes on the test cluster: installs the httproutes.gateway.networking.k8s.io resource (v1, its
/// schema left open, as a cluster without a Gateway controller would have it from the Gateway API CRDs) when absent.
/// </summary>
internal static class HttpRouteKit
{
    public const string Group = "gateway.networking.k8s.io";
    public const string Version = "v1";
    public const string Plural = "httproutes";

    public static async Task EnsureInstalledAsync(ClusterFixture cluster)
    {
        var crd = new V1CustomResourceDefinition
        {
            Metadata = new V1ObjectMeta
            {
                Name = $"{Plural}.{Group}",
                // *.k8s.io groups are protected; the Gateway API CRDs carry this approval too.
                Annotations = new Dictionary<string, string> { ["api-approved.kubernetes.io"] = "https://github.com/kubernetes-sigs/gateway-api/pull/2466" },
            },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = Group,
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames { Plural = Plural, Singular = "httproute", Kind = "HTTPRoute", ListKind = "HTTPRouteList" },
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = Version,
                        Served = true,
                        Storage = true,
                        Schema = new V1CustomResourceValidation
                        {
                            OpenAPIV3Schema = new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true },
                        },
                    },
                ],
            },
        };
        try
        {
            await cluster.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
        }

        await cluster.WaitForAsync(
            async () => (await cluster.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Metadata.Name).ConfigureAwait(false))
                .Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true,
            TimeSpan.FromSeconds(30),
            $"CustomResourceDefinition {crd.Metadata.Name} Established").ConfigureAwait(false);
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
