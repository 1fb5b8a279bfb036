using k8s;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Observation;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.Hosting;

/// <summary>Maps watched changes to the migrations that must look at them.</summary>
internal static class MigrationKeys
{
    /// <summary>
    /// The operator's own status writes come back as watch events; only a new generation, a changed annotation
    /// (a person's action), a deletion, a changed finalizer or a lost status needs a reconcile, the rest is already
    /// scheduled. A migration gone from the cache is reconciled once more so the operator forgets it.
    /// </summary>
    public static IEnumerable<NamespacedName> ForMigrationChange(InformerEvent<PoolMigration> change)
    {
        if (change.Type == InformerEventType.Modified && change.OldObject is { } before && change.NewObject is { } after
            && before.Metadata.Generation == after.Metadata.Generation
            && SameAnnotations(before.Metadata.Annotations, after.Metadata.Annotations)
            && before.Metadata.DeletionTimestamp == after.Metadata.DeletionTimestamp
            && (before.Metadata.Finalizers ?? []).SequenceEqual(after.Metadata.Finalizers ?? [])
            && after.Status is not null)
        {
            return [];
        }

        return [NamespacedName.Of(change.Object)];
    }

    public static IEnumerable<NamespacedName> ForDeployment(ResourceInformer<PoolMigration> migrations, V1Deployment deployment) =>
        migrations.List(deployment.Namespace())
            .Where(m => m.Spec.V1.Deployment == deployment.Name() || m.Spec.V2.Deployment == deployment.Name()
                        || m.Status?.Original?.V1.Deployment == deployment.Name() || m.Status?.Original?.V2.Deployment == deployment.Name())
            .Select(m => NamespacedName.Of(m))
            .ToList();

    /// <summary>A pod, ConfigMap or route of interest: the migrations that declared an interest it matches.</summary>
    public static IEnumerable<NamespacedName> ForInterest(MigrationInterests interests, IInterestCache cache, IKubernetesObject<V1ObjectMeta> changed) =>
        interests.Interested(cache, changed);

    private static bool SameAnnotations(IDictionary<string, string>? a, IDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(pair => b!.TryGetValue(pair.Key, out var value) && value == pair.Value));
}
