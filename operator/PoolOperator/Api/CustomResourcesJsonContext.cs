using System.Text.Json.Serialization;
using k8s;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Routing.GatewayApi;

namespace PoolOperator.Api;

/// <summary>
/// Generated serializers for the custom resources the operator reads and writes through KubernetesClient, with
/// KubernetesClient's options: a native executable cannot build the contract of a class with value-type properties by
/// reflection.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    Converters = [typeof(KubernetesJson.Iso8601TimeSpanConverter), typeof(KubernetesJson.KubernetesDateTimeConverter), typeof(KubernetesJson.KubernetesDateTimeOffsetConverter)])]
[JsonSerializable(typeof(PoolMigration))]
[JsonSerializable(typeof(PoolMigrationSpec))]
[JsonSerializable(typeof(PoolMigrationStatus))]
[JsonSerializable(typeof(CleanupStatus))]
[JsonSerializable(typeof(HttpRoute))]
internal sealed partial class CustomResourcesJsonContext : JsonSerializerContext;
