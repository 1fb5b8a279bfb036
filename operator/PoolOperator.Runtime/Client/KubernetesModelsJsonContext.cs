using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace PoolOperator.Runtime.Client;

/// <summary>
/// Generated serializers for the Kubernetes models the operator reads and writes, the models they contain, and the
/// watch events that carry them, with KubernetesClient's own options. KubernetesClient's generated context covers all of
/// its several hundred models; the operator's native executable leaves that one out (ILLink.Substitutions.xml).
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    Converters = [typeof(KubernetesJson.Iso8601TimeSpanConverter), typeof(KubernetesJson.KubernetesDateTimeConverter), typeof(KubernetesJson.KubernetesDateTimeOffsetConverter)])]
[JsonSerializable(typeof(V1Deployment))]
[JsonSerializable(typeof(V1DeploymentList))]
[JsonSerializable(typeof(V1Pod))]
[JsonSerializable(typeof(V1PodList))]
[JsonSerializable(typeof(V1ConfigMap))]
[JsonSerializable(typeof(V1ConfigMapList))]
[JsonSerializable(typeof(V1Service))]
[JsonSerializable(typeof(V1ServiceList))]
[JsonSerializable(typeof(V1Secret))]
[JsonSerializable(typeof(V1Lease))]
[JsonSerializable(typeof(Corev1Event))]
[JsonSerializable(typeof(Corev1EventList))]
[JsonSerializable(typeof(V2HorizontalPodAutoscaler))]
[JsonSerializable(typeof(V1PodDisruptionBudget))]
[JsonSerializable(typeof(V1APIGroupList))]
[JsonSerializable(typeof(V1DeleteOptions))]
[JsonSerializable(typeof(V1Patch))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(object))]
[JsonSerializable(typeof(Watcher<KubernetesObject>.WatchEvent), TypeInfoPropertyName = "KubernetesObjectWatchEvent")]
[JsonSerializable(typeof(Watcher<V1Status>.WatchEvent), TypeInfoPropertyName = "StatusWatchEvent")]
[JsonSerializable(typeof(Watcher<object>.WatchEvent), TypeInfoPropertyName = "ObjectWatchEvent")]
[JsonSerializable(typeof(Watcher<V1Deployment>.WatchEvent), TypeInfoPropertyName = "DeploymentWatchEvent")]
[JsonSerializable(typeof(Watcher<V1Pod>.WatchEvent), TypeInfoPropertyName = "PodWatchEvent")]
[JsonSerializable(typeof(Watcher<V1ConfigMap>.WatchEvent), TypeInfoPropertyName = "ConfigMapWatchEvent")]
[JsonSerializable(typeof(Watcher<V1Service>.WatchEvent), TypeInfoPropertyName = "ServiceWatchEvent")]
public sealed partial class KubernetesModelsJsonContext : JsonSerializerContext;
