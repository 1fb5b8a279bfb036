using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Observation;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.Routing.GatewayApi;

/// <summary>
/// Moves traffic in a Gateway API HTTPRoute: the weights of the two pool Services in each rule that sends traffic to
/// V1's Service (adding V2's backendRef when the rule has none), and a RequestMirror filter to V2's Service while
/// shadowing (<see cref="HttpRouteRules"/>). Restoring puts the route's original rules back as they were.
/// </summary>
internal sealed class GatewayApiRouter(IKubernetes client, InterestCache<HttpRoute> routes) : ITrafficRouter
{
    public string Name => "gatewayAPI";

    public IInterestCache Cache => routes;

    public bool IsConfigured(PoolMigrationSpec spec) => spec.TrafficRouting?.GatewayApi is { HttpRoute.Length: > 0 };

    public IEnumerable<ObjectInterest> Interests(PoolMigration migration) =>
        [new ObjectInterest(migration.Metadata.NamespaceProperty, migration.Spec.TrafficRouting!.GatewayApi!.HttpRoute)];

    public IEnumerable<SpecProblem> Problems(PoolMigration migration)
    {
        var spec = migration.Spec.TrafficRouting!.GatewayApi!;
        var ns = migration.Metadata.NamespaceProperty;
        var route = routes.Get(ns, spec.HttpRoute);
        if (route is null)
        {
            return [new("spec.trafficRouting.gatewayAPI.httpRoute",
                $"HTTPRoute \"{spec.HttpRoute}\" not found in namespace {ns}; create it with a rule whose backendRef is Service " +
                $"\"{spec.V1Service}\" (the migration adds \"{spec.V2Service}\" itself), or remove spec.trafficRouting.gatewayAPI")];
        }

        if (!HttpRouteRules.RoutesToV1(route.Rules, spec))
        {
            return [new("spec.trafficRouting.gatewayAPI.v1Service",
                $"HTTPRoute \"{spec.HttpRoute}\" has no rule with a backendRef to Service \"{spec.V1Service}\"; the migration moves " +
                "traffic only in rules that send it to V1's Service")];
        }

        return [];
    }

    public IEnumerable<RoutedTraffic> Carried(PoolMigration migration)
    {
        var spec = migration.Spec.TrafficRouting!.GatewayApi!;
        var route = routes.Get(migration.Metadata.NamespaceProperty, spec.HttpRoute);
        return route is null
            ? []
            : HttpRouteRules.Carried(route.Rules, spec).Select(c => new RoutedTraffic($"HTTPRoute {spec.HttpRoute}", c.V2Weight, c.ShadowPercent));
    }

    public void RecordOriginal(PoolMigration migration, OriginalState original)
    {
        var spec = migration.Spec.TrafficRouting!.GatewayApi!;
        var route = routes.Get(migration.Metadata.NamespaceProperty, spec.HttpRoute);
        if (route is null)
        {
            return;
        }

        int? v1 = null;
        int? v2 = null;
        foreach (var backend in route.BackendRefs())
        {
            // Gateway API's default weight is 1.
            var weight = backend["weight"]?.GetValue<int>() ?? 1;
            if (HttpRouteRules.IsService(backend, spec.V1Service))
            {
                v1 ??= weight;
            }
            else if (HttpRouteRules.IsService(backend, spec.V2Service))
            {
                v2 ??= weight;
            }
        }

        original.HttpRoute = new OriginalHttpRoute
        {
            Name = spec.HttpRoute,
            V1Weight = v1 ?? 0,
            V2Weight = v2 ?? 0,
            Rules = route.Rules?.ToJsonString(),
        };
        var sum = (v1 ?? 0) + (v2 ?? 0);
        original.Weight = sum == 0 ? 0 : (int)Math.Round(100.0 * (v2 ?? 0) / sum);
    }

    public async Task ApplyAsync(PoolMigration migration, TrafficState traffic, CancellationToken cancellationToken)
    {
        var spec = migration.Spec.TrafficRouting!.GatewayApi!;
        var ns = migration.Metadata.NamespaceProperty;
        var cached = routes.Get(ns, spec.HttpRoute);
        if (cached is null)
        {
            if (traffic.RestoreOriginal)
            {
                // A route that is gone sends no traffic anywhere: there is nothing to put back.
                return;
            }

            throw new InvalidOperationException($"HTTPRoute {ns}/{spec.HttpRoute} not found (spec.trafficRouting.gatewayAPI.httpRoute)");
        }

        var desired = traffic.RestoreOriginal && migration.Status?.Original?.HttpRoute?.Rules is { } original
            ? JsonNode.Parse(original) as JsonArray
            : HttpRouteRules.Render(cached.Rules, spec, traffic);
        if (JsonNode.DeepEquals(cached.Rules, desired))
        {
            return;
        }

        var route = cached.DeepCopy();
        route.Spec ??= [];
        route.Spec["rules"] = desired;

        // Replace carries the resourceVersion of the cached route, so a concurrent edit makes this fail instead of being lost.
        var written = await client.CustomObjects.ReplaceNamespacedCustomObjectAsync<JsonElement>(
            route, HttpRoute.Group, HttpRoute.Version, ns, HttpRoute.Plural, spec.HttpRoute,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        routes.Latest.Supersede(cached, KubernetesJson.Deserialize<HttpRoute>(written));
    }
}
