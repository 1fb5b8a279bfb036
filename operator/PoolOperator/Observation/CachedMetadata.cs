using k8s;
using k8s.Models;

namespace PoolOperator.Observation;

/// <summary>
/// What the caches of whole objects (PoolMigrations, Deployments) leave out of each object's metadata: the field
/// managers' records and kubectl's copy of the last applied manifest. Nothing the operator decides reads them, and
/// together they are often larger than the rest of the object; a status update that carries no managedFields keeps
/// the apiserver's own.
/// </summary>
internal static class CachedMetadata
{
    private const string LastApplied = "kubectl.kubernetes.io/last-applied-configuration";

    public static T Trim<T>(T resource)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        if (resource.Metadata is { } metadata)
        {
            metadata.ManagedFields = null;
            metadata.Annotations?.Remove(LastApplied);
        }

        return resource;
    }
}
