using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace PoolOperator.Api.V1Alpha1;

public sealed class PoolMigrationList : IKubernetesObject<V1ListMeta>, IItems<PoolMigration>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = PoolMigration.GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = PoolMigration.ListKindName;

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<PoolMigration> Items { get; set; } = [];
}
