using System.Text.Json;
using k8s;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Observation;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.Routing.GatewayApi;

/// <summary>Sets the weights of the two pool Services in a Gateway API HTTPRoute's backendRefs.</summary>
internal sealed class GatewayApiRouter(IKubernetes client, InterestCache<HttpRoute> routes) : ITrafficRouter
{
    public string Name => "gatewayAPI";

    public IInterestCache Cache => routes;

    public bool IsConfigured(PoolMigrationSpec spec) => spec.TrafficRouting?.GatewayApi is { HttpRoute.Length: > 0 };

    public IEnumerable<ObjectInterest> Interests(PoolMigration migration) =>
        [new ObjectInterest(migration.Metadata.NamespaceProperty, migration.Spec.TrafficRouting!.GatewayApi!.HttpRoute)];

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

        var route = cached.DeepCopy();
        var changed = false;
        foreach (var backend in route.BackendRefs())
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

        // Replace carries the resourceVersion of the cached route, so a concurrent edit makes this fail instead of being lost.
        var written = await client.CustomObjects.ReplaceNamespacedCustomObjectAsync<JsonElement>(
            route, HttpRoute.Group, HttpRoute.Version, ns, HttpRoute.Plural, spec.HttpRoute,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        routes.Latest.Supersede(cached, KubernetesJson.Deserialize<HttpRoute>(written));
    }
}
