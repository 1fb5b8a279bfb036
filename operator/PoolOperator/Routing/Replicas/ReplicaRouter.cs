using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Observation;

namespace PoolOperator.Routing.Replicas;

/// <summary>
/// Sets a pool Deployment's replicas with server-side apply under the field manager <c>pool-operator</c>, so the
/// operator owns only <c>spec.replicas</c> and GitOps tools keep every other field; for a pool a HorizontalPodAutoscaler
/// scales, it sets that HPA's <c>minReplicas</c> and <c>maxReplicas</c> the same way instead. Always on: without another
/// router, the replica split between the pools is the traffic split.
/// </summary>
internal sealed class ReplicaRouter(IKubernetes client, LatestKnown<V1Deployment> deployments, InterestCache<V2HorizontalPodAutoscaler> autoscalers, ServedVersions served)
{
    public const string FieldManager = Runtime.RuntimeDefaults.ComponentName;

    public async Task ScaleAsync(PoolMigration migration, ScaleDeployment scale, CancellationToken cancellationToken)
    {
        var ns = migration.Metadata.NamespaceProperty;
        var current = deployments.Get(ns, scale.Deployment);
        // A Deployment that is not there is never created from a bare replica count.
        if (current is null || current.Spec?.Replicas == scale.Replicas)
        {
            return;
        }

        var body = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = scale.Deployment, ["namespace"] = ns },
            ["spec"] = new JsonObject { ["replicas"] = scale.Replicas },
        };
        var written = await client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch(body.ToJsonString(), V1Patch.PatchType.ApplyPatch),
            scale.Deployment,
            ns,
            fieldManager: FieldManager,
            force: true,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        deployments.Supersede(current, written);
    }

    public async Task BoundAsync(PoolMigration migration, BoundAutoscaler bound, CancellationToken cancellationToken)
    {
        var ns = migration.Metadata.NamespaceProperty;
        var current = autoscalers.Get(ns, bound.Autoscaler);
        // An HPA that is gone is not created from two bounds.
        if (current is null || (current.Spec?.MinReplicas == bound.MinReplicas && current.Spec?.MaxReplicas == bound.MaxReplicas))
        {
            return;
        }

        var version = await served.VersionAsync(PoolScaling.AutoscalingGroup, PoolScaling.AutoscalingVersions, cancellationToken).ConfigureAwait(false);
        var body = new JsonObject
        {
            ["apiVersion"] = $"{PoolScaling.AutoscalingGroup}/{version}",
            ["kind"] = "HorizontalPodAutoscaler",
            ["metadata"] = new JsonObject { ["name"] = bound.Autoscaler, ["namespace"] = ns },
            ["spec"] = new JsonObject { ["minReplicas"] = bound.MinReplicas, ["maxReplicas"] = bound.MaxReplicas },
        };
        var written = await client.CustomObjects.PatchNamespacedCustomObjectAsync<V2HorizontalPodAutoscaler>(
            new V1Patch(body.ToJsonString(), V1Patch.PatchType.ApplyPatch),
            PoolScaling.AutoscalingGroup,
            version,
            ns,
            PoolScaling.AutoscalersPlural,
            bound.Autoscaler,
            fieldManager: FieldManager,
            force: true,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        autoscalers.Latest.Supersede(current, written);
    }
}
