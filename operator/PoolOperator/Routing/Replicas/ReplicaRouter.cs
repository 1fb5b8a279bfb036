using k8s;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Routing.Replicas;

/// <summary>
/// Sets a pool Deployment's replicas with server-side apply under the field manager <c>pool-operator</c>, so the
/// operator owns only <c>spec.replicas</c> and GitOps tools keep every other field. Always on: without another router,
/// the replica split between the pools is the traffic split.
/// </summary>
internal sealed class ReplicaRouter(IKubernetes client)
{
    public const string FieldManager = Runtime.RuntimeDefaults.ComponentName;

    public async Task ScaleAsync(PoolMigration migration, ScaleDeployment scale, CancellationToken cancellationToken)
    {
        var body = new
        {
            apiVersion = "apps/v1",
            kind = "Deployment",
            metadata = new { name = scale.Deployment, @namespace = migration.Metadata.NamespaceProperty },
            spec = new { replicas = scale.Replicas },
        };
        await client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch(KubernetesJson.Serialize(body), V1Patch.PatchType.ApplyPatch),
            scale.Deployment,
            migration.Metadata.NamespaceProperty,
            fieldManager: FieldManager,
            force: true,
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
