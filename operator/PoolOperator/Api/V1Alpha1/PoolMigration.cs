using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace PoolOperator.Api.V1Alpha1;

/// <summary>Moves a service pool from its V1 Deployment to its V2 Deployment in judged stages.</summary>
public sealed class PoolMigration : IKubernetesObject<V1ObjectMeta>, ISpec<PoolMigrationSpec>, IStatus<PoolMigrationStatus?>
{
    public const string Group = "pooloperator.io";
    public const string Version = "v1alpha1";
    public const string KindName = "PoolMigration";
    public const string ListKindName = "PoolMigrationList";
    public const string Plural = "poolmigrations";
    public const string Singular = "poolmigration";
    public const string ShortName = "pm";
    public const string GroupVersion = Group + "/" + Version;

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public PoolMigrationSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public PoolMigrationStatus? Status { get; set; }
}
