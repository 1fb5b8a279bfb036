using k8s;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.Hosting;

/// <summary>Maps watched changes to the migrations that must look at them.</summary>
internal static class MigrationKeys
{
    /// <summary>
    /// The operator's own status writes come back as watch events; only a new generation, a changed annotation
    /// (a person's action) or a lost status needs a reconcile, the rest is already scheduled.
    /// </summary>
    public static IEnumerable<NamespacedName> ForMigrationChange(InformerEvent<PoolMigration> change)
    {
        if (change.Type == InformerEventType.Modified && change.OldObject is { } before && change.NewObject is { } after
            && before.Metadata.Generation == after.Metadata.Generation
            && SameAnnotations(before.Metadata.Annotations, after.Metadata.Annotations)
            && after.Status is not null)
        {
            return [];
        }

        return change.Type == InformerEventType.Deleted ? [] : [NamespacedName.Of(change.Object)];
    }

    public static IEnumerable<NamespacedName> ForDeployment(ResourceInformer<PoolMigration> migrations, V1Deployment deployment) =>
        Naming(migrations, deployment.Namespace(), deployment.Name());

    public static IEnumerable<NamespacedName> ForPod(ResourceInformer<PoolMigration> migrations, V1Pod pod) =>
        DeploymentOf(pod) is { } deployment ? Naming(migrations, pod.Namespace(), deployment) : [];

    /// <summary>A pod's ReplicaSet is named after its Deployment plus the pod-template-hash.</summary>
    internal static string? DeploymentOf(V1Pod pod)
    {
        var owner = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Kind == "ReplicaSet");
        if (owner is null || pod.Metadata.Labels?.TryGetValue("pod-template-hash", out var hash) != true)
        {
            return null;
        }

        var suffix = "-" + hash;
        return owner.Name.EndsWith(suffix, StringComparison.Ordinal) ? owner.Name[..^suffix.Length] : null;
    }

    private static IEnumerable<NamespacedName> Naming(ResourceInformer<PoolMigration> migrations, string ns, string deployment) =>
        migrations.List(ns)
            .Where(m => m.Spec.V1.Deployment == deployment || m.Spec.V2.Deployment == deployment)
            .Select(m => NamespacedName.Of(m))
            .ToList();

    private static bool SameAnnotations(IDictionary<string, string>? a, IDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(pair => b!.TryGetValue(pair.Key, out var value) && value == pair.Value));
}
