using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Routing.GatewayApi;

/// <summary>Sets the weights of the two pool Services in a Gateway API HTTPRoute's backendRefs.</summary>
internal sealed class GatewayApiRouter(IKubernetes client) : ITrafficRouter
{
    private const string Group = "gateway.networking.k8s.io";
    private const string Plural = "httproutes";
    private static readonly string[] Versions = ["v1", "v1beta1"];

    public string Name => "gatewayAPI";

    public bool IsConfigured(PoolMigrationSpec spec) => spec.TrafficRouting?.GatewayApi is { HttpRoute.Length: > 0 };

    public async Task RecordOriginalAsync(PoolMigration migration, OriginalState original, CancellationToken cancellationToken)
    {
        var spec = migration.Spec.TrafficRouting!.GatewayApi!;
        var (_, route) = await ReadAsync(client, migration.Metadata.NamespaceProperty, spec.HttpRoute, cancellationToken).ConfigureAwait(false);
        if (route is null)
        {
            return;
        }

        int? v1 = null;
        int? v2 = null;
        foreach (var backend in BackendRefs(route))
        {
            var name = backend["name"]?.GetValue<string>();
            // Gateway API's default weight is 1.
            var weight = backend["weight"]?.GetValue<int>() ?? 1;
            if (name == spec.V1Service)
            {
                v1 ??= weight;
            }
            else if (name == spec.V2Service)
            {
                v2 ??= weight;
            }
        }

        original.HttpRoute = new OriginalHttpRoute { Name = spec.HttpRoute, V1Weight = v1 ?? 0, V2Weight = v2 ?? 0 };
        var sum = (v1 ?? 0) + (v2 ?? 0);
        original.Weight = sum == 0 ? 0 : (int)Math.Round(100.0 * (v2 ?? 0) / sum);
    }

    public async Task ApplyAsync(PoolMigration migration, TrafficState traffic, CancellationToken cancellationToken)
    {
        var spec = migration.Spec.TrafficRouting!.GatewayApi!;
        var ns = migration.Metadata.NamespaceProperty;
        var (v1Weight, v2Weight) = traffic.RestoreOriginal
            ? migration.Status?.Original?.HttpRoute is { } recorded ? (recorded.V1Weight, recorded.V2Weight) : (100, 0)
            : (100 - traffic.V2Weight, traffic.V2Weight);
        var (version, route) = await ReadAsync(client, ns, spec.HttpRoute, cancellationToken).ConfigureAwait(false);
        if (route is null)
        {
            throw new InvalidOperationException($"HTTPRoute {ns}/{spec.HttpRoute} not found (spec.trafficRouting.gatewayAPI.httpRoute)");
        }

        var changed = false;
        foreach (var backend in BackendRefs(route))
        {
            var name = backend["name"]?.GetValue<string>();
            var desired = name == spec.V1Service ? v1Weight : name == spec.V2Service ? v2Weight : (int?)null;
            if (desired is { } weight && backend["weight"]?.GetValue<int>() != weight)
            {
                backend["weight"] = weight;
                changed = true;
            }
        }

        if (!changed)
        {
            return;
        }

        // Replace carries the resourceVersion read above, so a concurrent edit makes this fail instead of being lost.
        await client.CustomObjects.ReplaceNamespacedCustomObjectAsync(
            JsonSerializer.Deserialize<JsonElement>(route.ToJsonString()), Group, version!, ns, Plural, spec.HttpRoute,
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static IEnumerable<JsonObject> BackendRefs(JsonNode route) =>
        (route["spec"]?["rules"] as JsonArray ?? [])
            .SelectMany(rule => rule?["backendRefs"] as JsonArray ?? [])
            .OfType<JsonObject>();

    private static async Task<(string? Version, JsonNode? Route)> ReadAsync(IKubernetes client, string ns, string name, CancellationToken cancellationToken)
    {
        foreach (var version in Versions)
        {
            try
            {
                var element = await client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(Group, version, ns, Plural, name, cancellationToken).ConfigureAwait(false);
                return (version, JsonNode.Parse(element.GetRawText()));
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
            }
        }

        return (null, null);
    }
}
