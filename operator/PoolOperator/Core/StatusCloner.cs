using k8s;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

internal static class StatusCloner
{
    // A JSON round trip keeps the clone faithful to what is persisted, including fields added later.
    public static PoolMigrationStatus Clone(PoolMigrationStatus? status) =>
        status is null
            ? new PoolMigrationStatus()
            : KubernetesJson.Deserialize<PoolMigrationStatus>(KubernetesJson.Serialize(status));
}
