using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Observation;
using PoolOperator.Routing.GatewayApi;

namespace PoolOperator.Controllers;

/// <summary>
/// Removes the objects of a completed migration's cleanup, one <see cref="RemoveObject"/> at a time: deletes V1's Deployment
/// (its ReplicaSets and pods go in the background; V2's have their own owner), V1's HPA, Service and the flags ConfigMap, and
/// removes V1's backendRef from the HTTPRoute with a replace carrying the cached resourceVersion, so no concurrent edit is lost
/// and every field the operator does not own stays as it is. An object already gone (404) is no error: the next round records it.
/// </summary>
internal sealed class CleanupApplier(
    IKubernetes client,
    LatestKnown<V1Deployment> deployments,
    InterestCache<V2HorizontalPodAutoscaler> autoscalers,
    InterestCache<V1Service> services,
    InterestCache<V1ConfigMap> configMaps,
    InterestCache<HttpRoute> routes,
    ServedVersions served)
{
    private static readonly V1DeleteOptions InBackground = new() { PropagationPolicy = "Background" };

    public async Task ApplyAsync(PoolMigration migration, RemoveObject remove, CancellationToken cancellationToken)
    {
        var ns = migration.Metadata.NamespaceProperty;
        var name = remove.Name;
        switch (remove.Kind)
        {
            case CleanupPolicies.Deployment:
                await IgnoringNotFoundAsync(() => client.AppsV1.DeleteNamespacedDeploymentAsync(name, ns, InBackground, cancellationToken: cancellationToken)).ConfigureAwait(false);
                deployments.Forget(ns, name);
                break;
            case CleanupPolicies.HorizontalPodAutoscaler:
                var version = await served.VersionAsync(PoolScaling.AutoscalingGroup, PoolScaling.AutoscalingVersions, cancellationToken).ConfigureAwait(false);
                await IgnoringNotFoundAsync(() => client.CustomObjects.DeleteNamespacedCustomObjectAsync(
                    PoolScaling.AutoscalingGroup, version, ns, PoolScaling.AutoscalersPlural, name, InBackground, cancellationToken: cancellationToken)).ConfigureAwait(false);
                autoscalers.Latest.Forget(ns, name);
                break;
            case CleanupPolicies.Service:
                try
                {
                    await IgnoringNotFoundAsync(() => client.CoreV1.DeleteNamespacedServiceAsync(name, ns, InBackground, cancellationToken: cancellationToken)).ConfigureAwait(false);
                }
                catch (JsonException)
                {
                    // Apiservers before 1.23 answer a Service delete with a Status, not the Service the client expects to
                    // read: the delete itself succeeded, and the next round sees the Service gone.
                }
                services.Latest.Forget(ns, name);
                break;
            case CleanupPolicies.ConfigMap:
                await IgnoringNotFoundAsync(() => client.CoreV1.DeleteNamespacedConfigMapAsync(name, ns, InBackground, cancellationToken: cancellationToken)).ConfigureAwait(false);
                configMaps.Latest.Forget(ns, name);
                break;
            case CleanupPolicies.HttpRoute:
                await RemoveV1BackendAsync(migration, name, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new InvalidOperationException($"No cleanup removes objects of kind {remove.Kind}");
        }
    }

    private async Task RemoveV1BackendAsync(PoolMigration migration, string name, CancellationToken cancellationToken)
    {
        var ns = migration.Metadata.NamespaceProperty;
        if (migration.Spec.TrafficRouting?.GatewayApi is not { } routing || routes.Get(ns, name) is not { } cached)
        {
            return;
        }

        var desired = HttpRouteRules.WithoutV1(cached.Rules, routing);
        if (System.Text.Json.Nodes.JsonNode.DeepEquals(cached.Rules, desired))
        {
            return;
        }

        var route = cached.DeepCopy();
        route.Spec ??= [];
        route.Spec["rules"] = desired;
        var written = await IgnoringNotFoundAsync(() => client.CustomObjects.ReplaceNamespacedCustomObjectAsync<JsonElement>(
            route, HttpRoute.Group, HttpRoute.Version, ns, HttpRoute.Plural, name, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (written is JsonElement answer)
        {
            routes.Latest.Supersede(cached, KubernetesJson.Deserialize<HttpRoute>(answer));
        }
    }

    private static async Task<object?> IgnoringNotFoundAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
