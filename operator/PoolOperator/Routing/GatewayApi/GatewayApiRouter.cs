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

    public bool Handles(MigrationAction action) => action is SetRouteWeights;

    public async Task ApplyAsync(PoolMigration migration, MigrationAction action, CancellationToken cancellationToken)
    {
        var weights = (SetRouteWeights)action;
        var ns = migration.Metadata.NamespaceProperty;
        var (version, route) = await ReadAsync(client, ns, weights.HttpRoute, cancellationToken).ConfigureAwait(false);
        if (route is null)
        {
            throw new InvalidOperationException($"HTTPRoute {ns}/{weights.HttpRoute} not found (spec.trafficRouting.gatewayAPI.httpRoute)");
        }

        var changed = false;
        foreach (var backend in BackendRefs(route))
        {
            var name = backend["name"]?.GetValue<string>();
            var desired = name == weights.V1Service ? weights.V1Weight : name == weights.V2Service ? weights.V2Weight : (int?)null;
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
            JsonSerializer.Deserialize<JsonElement>(route.ToJsonString()), Group, version!, ns, Plural, weights.HttpRoute,
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public static async Task<RouteObservation> ObserveAsync(IKubernetes client, string ns, GatewayApiRouting spec, CancellationToken cancellationToken)
    {
        var (_, route) = await ReadAsync(client, ns, spec.HttpRoute, cancellationToken).ConfigureAwait(false);
        if (route is null)
        {
            return new RouteObservation(spec.HttpRoute, false, 0, 0);
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

        return new RouteObservation(spec.HttpRoute, true, v1 ?? 0, v2 ?? 0);
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
