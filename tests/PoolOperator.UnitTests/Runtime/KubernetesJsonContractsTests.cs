using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;
using PoolOperator.Api;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Routing.GatewayApi;
using PoolOperator.Runtime.Client;
using Xunit;

namespace PoolOperator.UnitTests.Runtime;

/// <summary>
/// The operator's generated serializers must read and write every Kubernetes object and custom resource exactly as
/// KubernetesClient's serializer does by default (its own generated models, reflection for the rest): the native
/// executable uses only the operator's, the tests and tools run with KubernetesClient's.
/// </summary>
public sealed class KubernetesJsonContractsTests
{
    private static readonly JsonSerializerOptions Operators = OptionsLikeKubernetesJson(KubernetesJsonContracts.Resolver(CustomResourcesJsonContext.Default));
    private static readonly JsonSerializerOptions KubernetesClients = OptionsLikeKubernetesJson(
        JsonTypeInfoResolver.Combine(SourceGenerationContext.Default, new DefaultJsonTypeInfoResolver()));

    private const string Deployment = """
        {
          "apiVersion": "apps/v1",
          "kind": "Deployment",
          "metadata": {
            "name": "checkout-v2", "namespace": "shop", "uid": "4f1c9c8e-5d0e-4d4b-9a61-0f5e2f4a9b01",
            "resourceVersion": "48213", "generation": 7,
            "creationTimestamp": "2026-11-30T09:15:02Z",
            "labels": { "app": "checkout", "track": "v2" },
            "annotations": { "deployment.kubernetes.io/revision": "3" },
            "ownerReferences": [ { "apiVersion": "v1", "kind": "Namespace", "name": "shop", "uid": "u-1", "controller": false } ],
            "managedFields": [ { "manager": "kubectl", "operation": "Update", "apiVersion": "apps/v1", "time": "2026-11-30T09:15:02Z", "fieldsType": "FieldsV1", "fieldsV1": { "f:spec": { "f:replicas": {} } } } ]
          },
          "spec": {
            "replicas": 4,
            "selector": { "matchLabels": { "app": "checkout" }, "matchExpressions": [ { "key": "track", "operator": "In", "values": [ "v2" ] } ] },
            "strategy": { "type": "RollingUpdate", "rollingUpdate": { "maxSurge": "25%", "maxUnavailable": 1 } },
            "progressDeadlineSeconds": 600,
            "template": {
              "metadata": { "labels": { "app": "checkout", "track": "v2" } },
              "spec": {
                "terminationGracePeriodSeconds": 30,
                "containers": [ {
                  "name": "app", "image": "registry.example/checkout:2.0.1",
                  "ports": [ { "name": "http", "containerPort": 8080, "protocol": "TCP" } ],
                  "env": [ { "name": "POOL", "valueFrom": { "configMapKeyRef": { "name": "flags", "key": "pool" } } } ],
                  "resources": { "requests": { "cpu": "250m", "memory": "128Mi" }, "limits": { "memory": "1Gi" } },
                  "readinessProbe": { "httpGet": { "path": "/ready", "port": "http" }, "periodSeconds": 5 },
                  "livenessProbe": { "tcpSocket": { "port": 8080 }, "failureThreshold": 3 }
                } ],
                "volumes": [ { "name": "config", "configMap": { "name": "checkout", "defaultMode": 420 } } ],
                "affinity": { "podAntiAffinity": { "preferredDuringSchedulingIgnoredDuringExecution": [ { "weight": 100, "podAffinityTerm": { "topologyKey": "kubernetes.io/hostname", "labelSelector": { "matchLabels": { "app": "checkout" } } } } ] } }
              }
            }
          },
          "status": {
            "observedGeneration": 7, "replicas": 4, "readyReplicas": 3, "availableReplicas": 3, "updatedReplicas": 4,
            "conditions": [ { "type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "lastUpdateTime": "2026-11-30T09:16:40Z", "lastTransitionTime": "2026-11-30T09:16:40Z" } ]
          }
        }
        """;

    private const string PodList = """
        {
          "apiVersion": "v1", "kind": "PodList",
          "metadata": { "resourceVersion": "48300", "continue": "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ", "remainingItemCount": 12 },
          "items": [ {
            "metadata": { "name": "checkout-v2-7d9f-abcde", "namespace": "shop", "labels": { "app": "checkout" }, "deletionTimestamp": "2026-11-30T10:00:00Z" },
            "spec": { "nodeName": "node-1", "containers": [ { "name": "app", "image": "checkout:2", "securityContext": { "runAsNonRoot": true, "capabilities": { "drop": [ "ALL" ] } } } ] },
            "status": {
              "phase": "Running", "podIP": "10.0.0.12", "startTime": "2026-11-30T09:15:10Z",
              "conditions": [ { "type": "Ready", "status": "True", "lastTransitionTime": "2026-11-30T09:15:30Z" } ],
              "containerStatuses": [ {
                "name": "app", "image": "checkout:2", "imageID": "sha256:0123", "ready": true, "started": true, "restartCount": 2,
                "state": { "running": { "startedAt": "2026-11-30T09:15:20Z" } },
                "lastState": { "terminated": { "exitCode": 137, "reason": "OOMKilled", "startedAt": "2026-11-30T09:14:00Z", "finishedAt": "2026-11-30T09:15:19Z" } }
              } ]
            }
          } ]
        }
        """;

    private const string Event = """
        {
          "apiVersion": "v1", "kind": "Event",
          "metadata": { "name": "checkout.stagestarted", "namespace": "shop" },
          "involvedObject": { "apiVersion": "pooloperator.io/v1alpha1", "kind": "PoolMigration", "name": "checkout", "namespace": "shop", "uid": "u-2" },
          "reason": "StageStarted", "message": "Stage 2 of 4 started: 25% to V2", "type": "Normal", "count": 3,
          "source": { "component": "pool-operator" },
          "firstTimestamp": "2026-11-30T09:20:00Z", "lastTimestamp": "2026-11-30T09:21:00Z",
          "eventTime": "2026-11-30T09:20:00.123456Z", "reportingComponent": "pool-operator", "reportingInstance": "pool-operator-0"
        }
        """;

    private const string Lease = """
        {
          "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
          "metadata": { "name": "pool-operator", "namespace": "pool-operator-system", "resourceVersion": "912" },
          "spec": { "holderIdentity": "pool-operator-0", "leaseDurationSeconds": 15, "leaseTransitions": 2, "acquireTime": "2026-11-30T09:00:00.000001Z", "renewTime": "2026-11-30T09:21:30.654321Z" }
        }
        """;

    private const string Autoscaler = """
        {
          "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
          "metadata": { "name": "checkout-v2", "namespace": "shop" },
          "spec": {
            "scaleTargetRef": { "apiVersion": "apps/v1", "kind": "Deployment", "name": "checkout-v2" },
            "minReplicas": 2, "maxReplicas": 10,
            "metrics": [ { "type": "Resource", "resource": { "name": "cpu", "target": { "type": "Utilization", "averageUtilization": 70 } } } ],
            "behavior": { "scaleDown": { "stabilizationWindowSeconds": 300, "policies": [ { "type": "Pods", "value": 1, "periodSeconds": 60 } ] } }
          },
          "status": { "currentReplicas": 4, "desiredReplicas": 4, "lastScaleTime": "2026-11-30T09:00:00Z" }
        }
        """;

    private const string Status = """
        {
          "apiVersion": "v1", "kind": "Status", "status": "Failure",
          "message": "Operation cannot be fulfilled on deployments.apps \"checkout-v2\": the object has been modified",
          "reason": "Conflict", "details": { "name": "checkout-v2", "group": "apps", "kind": "deployments" }, "code": 409
        }
        """;

    private const string ConfigMap = """
        { "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "flags", "namespace": "shop" }, "data": { "pool.json": "{\"v2Percent\":25}" }, "binaryData": { "seed": "AAEC" } }
        """;

    public static TheoryData<string, Type> Objects() => new()
    {
        { Deployment, typeof(V1Deployment) },
        { PodList, typeof(V1PodList) },
        { Event, typeof(Corev1Event) },
        { Lease, typeof(V1Lease) },
        { Autoscaler, typeof(V2HorizontalPodAutoscaler) },
        { ConfigMap, typeof(V1ConfigMap) },
    };

    [Theory]
    [MemberData(nameof(Objects))]
    public void A_model_reads_and_writes_as_KubernetesClient_reads_and_writes_it(string json, Type type)
    {
        var theirs = JsonSerializer.Serialize(JsonSerializer.Deserialize(json, type, KubernetesClients), type, KubernetesClients);
        var ours = JsonSerializer.Serialize(JsonSerializer.Deserialize(json, type, Operators), type, Operators);

        Assert.Equal(theirs, ours);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(ours)), $"{type.Name} lost or changed a field:\n{ours}");
    }

    [Theory]
    [MemberData(nameof(Objects))]
    public void A_model_the_operator_uses_has_a_generated_contract(string json, Type type)
    {
        _ = json;
        Assert.NotNull(KubernetesModelsJsonContext.Default.GetTypeInfo(type));
    }

    [Fact]
    public void An_error_Status_reads_as_KubernetesClient_reads_it()
    {
        var theirs = JsonSerializer.Deserialize<V1Status>(Status, KubernetesClients)!;
        var ours = JsonSerializer.Deserialize<V1Status>(Status, Operators)!;

        Assert.Equal((409, "Conflict", "checkout-v2", "deployments"), (ours.Code, ours.Reason, ours.Details.Name, ours.Details.Kind));
        Assert.Equal((theirs.Code, theirs.Reason, theirs.Message, theirs.Status), (ours.Code, ours.Reason, ours.Message, ours.Status));
    }

    public static TheoryData<Type> CustomResources() => [typeof(PoolMigration), typeof(HttpRoute)];

    [Theory]
    [MemberData(nameof(CustomResources))]
    public void A_custom_resource_with_every_field_set_writes_and_reads_back_as_by_reflection(Type type)
    {
        var populated = Populated(type, depth: 0);
        var byReflection = JsonSerializer.Serialize(populated, type, KubernetesClients);

        var generated = JsonSerializer.Serialize(populated, type, Operators);
        var readBack = JsonSerializer.Serialize(JsonSerializer.Deserialize(generated, type, Operators), type, Operators);

        Assert.NotNull(KubernetesModelsJsonContext.Default.GetTypeInfo(typeof(V1ObjectMeta)));
        Assert.NotNull(CustomResourcesJsonContext.Default.GetTypeInfo(type));
        Assert.Equal(byReflection, generated);
        Assert.Equal(generated, readBack);
    }

    [Fact]
    public void A_route_keeps_the_fields_the_operator_does_not_read()
    {
        const string json = """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"shop"},"spec":{"rules":[]},"status":{"parents":[{"controllerName":"example.io/gateway"}]}}""";

        var byReflection = JsonSerializer.Serialize(JsonSerializer.Deserialize<HttpRoute>(json, KubernetesClients), KubernetesClients);
        var generated = JsonSerializer.Serialize(JsonSerializer.Deserialize<HttpRoute>(json, Operators), Operators);

        Assert.Equal(byReflection, generated);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(generated)), generated);
    }

    [Fact]
    public void Every_field_of_a_migration_is_populated_by_the_test()
    {
        var written = JsonNode.Parse(JsonSerializer.Serialize(Populated(typeof(PoolMigration), depth: 0), Operators))!;

        Assert.Equal("s-Deployment", written["spec"]!["v2"]!["deployment"]!.GetValue<string>());
        Assert.NotEmpty(written["status"]!["original"]!.AsObject());
        Assert.NotEmpty(written["status"]!["analysis"]!["checks"]!.AsArray());
    }

    /// <summary>An instance whose every settable property has a value, recursively, lists and maps with one entry.</summary>
    private static object? Populated(Type type, int depth)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string)) return "s";
        if (underlying == typeof(int)) return 3;
        if (underlying == typeof(long)) return 5L;
        if (underlying == typeof(double)) return 0.25;
        if (underlying == typeof(bool)) return true;
        if (underlying == typeof(DateTime)) return new DateTime(2026, 11, 30, 9, 15, 2, DateTimeKind.Utc);
        if (underlying == typeof(DateTimeOffset)) return new DateTimeOffset(2026, 11, 30, 9, 15, 2, TimeSpan.Zero);
        if (underlying == typeof(TimeSpan)) return TimeSpan.FromSeconds(90);
        if (underlying == typeof(JsonObject)) return new JsonObject { ["field"] = 1 };
        if (underlying == typeof(JsonArray)) return new JsonArray(1);
        if (underlying == typeof(JsonNode)) return JsonValue.Create("node");
        if (underlying == typeof(JsonElement)) return JsonDocument.Parse("{\"field\":1}").RootElement.Clone();
        if (underlying == typeof(object)) return "value";
        if (underlying.IsEnum) return Enum.GetValues(underlying).GetValue(0);
        if (depth > 8) return null;
        if (underlying.IsGenericType && underlying.GetGenericArguments() is [var key, var value] &&
            typeof(System.Collections.IDictionary).IsAssignableFrom(typeof(Dictionary<,>).MakeGenericType(key, value)) &&
            underlying.IsAssignableFrom(typeof(Dictionary<,>).MakeGenericType(key, value)))
        {
            var map = (System.Collections.IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(key, value))!;
            map.Add(Populated(key, depth + 1)!, Populated(value, depth + 1));
            return map;
        }

        if (underlying.IsGenericType && underlying.GetGenericArguments() is [var element] &&
            underlying.IsAssignableFrom(typeof(List<>).MakeGenericType(element)))
        {
            var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            list.Add(Populated(element, depth + 1));
            return list;
        }

        var instance = Activator.CreateInstance(underlying)!;
        foreach (var property in underlying.GetProperties())
        {
            if (property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0 &&
                property.GetCustomAttributes(typeof(JsonIgnoreAttribute), inherit: true).Length == 0)
            {
                property.SetValue(instance, property.PropertyType == typeof(string) ? $"s-{property.Name}" : Populated(property.PropertyType, depth + 1));
            }
        }

        return instance;
    }

    /// <summary>The options KubernetesJson builds for itself, around the resolver under test.</summary>
    private static JsonSerializerOptions OptionsLikeKubernetesJson(IJsonTypeInfoResolver resolver)
    {
        var options = new JsonSerializerOptions
        {
            TypeInfoResolver = resolver,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new KubernetesJson.Iso8601TimeSpanConverter());
        options.Converters.Add(new KubernetesJson.KubernetesDateTimeConverter());
        options.Converters.Add(new KubernetesJson.KubernetesDateTimeOffsetConverter());
        options.Converters.Add(new V1Status.V1StatusObjectViewConverter());
        return options;
    }
}
