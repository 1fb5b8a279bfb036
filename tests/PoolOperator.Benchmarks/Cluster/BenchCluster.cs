using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace PoolOperator.Benchmarks.Cluster;

/// <summary>
/// Writes what the scenarios need as the cluster admin (whose requests the audit log leaves out): namespaces,
/// pools of two Deployments, PoolMigrations built from the API contract, unrelated pods.
/// </summary>
internal sealed class BenchCluster(IKubernetes client, TimeProvider time)
{
    public const string Group = "pooloperator.io";
    public const string Version = "v1alpha1";
    public const string Plural = "poolmigrations";

    /// <summary>Writes at once while creating objects: enough to keep the apiserver busy, not enough to starve the operator.</summary>
    private const int Parallelism = 8;

    private const int V1Replicas = 4;

    public IKubernetes Client => client;

    public static IReadOnlyList<string> Names(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => $"{prefix}-{i:D4}").ToList();

    /// <summary>Creates or replaces every CustomResourceDefinition in <paramref name="directory"/> and waits until each is served.</summary>
    public async Task InstallCrdsAsync(string directory, CancellationToken cancellationToken)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false));
            try
            {
                await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
            }

            while (true)
            {
                var current = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Name(), cancellationToken: cancellationToken).ConfigureAwait(false);
                if (current.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task CreateNamespaceAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
        }
    }

    /// <summary>Creates Deployments NAME-v1 (4 replicas) and NAME-v2 (0) for each name and waits until all are rolled out.</summary>
    public async Task CreatePoolsAsync(string ns, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        await CreateNamespaceAsync(ns, cancellationToken).ConfigureAwait(false);
        await ForEachAsync(names.SelectMany(n => new[] { (Name: n + "-v1", Replicas: V1Replicas, Track: "v1", Pool: n), (Name: n + "-v2", Replicas: 0, Track: "v2", Pool: n) }), async (d, ct) =>
        {
            var labels = new Dictionary<string, string> { ["app"] = d.Pool, ["track"] = d.Track };
            var deployment = new V1Deployment
            {
                Metadata = new V1ObjectMeta { Name = d.Name, NamespaceProperty = ns, Labels = labels },
                Spec = new V1DeploymentSpec
                {
                    Replicas = d.Replicas,
                    Selector = new V1LabelSelector { MatchLabels = labels },
                    Template = new V1PodTemplateSpec
                    {
                        Metadata = new V1ObjectMeta { Labels = labels },
                        Spec = new V1PodSpec { Containers = [new V1Container { Name = "pool", Image = "registry.invalid/pool:" + d.Track }] },
                    },
                },
            };
            await IgnoreConflict(() => client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns, cancellationToken: ct)).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

        while (true)
        {
            var list = await client.AppsV1.ListNamespacedDeploymentAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (list.Items.Count >= names.Count * 2 && list.Items.All(DeploymentStatusStandIn.IsRolledOut))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A migration of pool <paramref name="name"/>: a gate at 5% that waits for approval, then 100%; completes as soon
    /// as it reaches 100% (no rollback window, no scale-down delay).
    /// </summary>
    public static JsonObject GatedMigration(string ns, string name, string interval, Uri? webhook) => new()
    {
        ["apiVersion"] = $"{Group}/{Version}",
        ["kind"] = "PoolMigration",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["v1"] = new JsonObject { ["deployment"] = name + "-v1" },
            ["v2"] = new JsonObject { ["deployment"] = name + "-v2" },
            ["stages"] = new JsonArray(
                new JsonObject { ["name"] = "gate", ["weight"] = 5, ["approval"] = "Required" },
                new JsonObject { ["name"] = "full", ["weight"] = 100 }),
            ["analysis"] = webhook is null
                ? new JsonObject { ["interval"] = interval }
                : new JsonObject
                {
                    ["interval"] = interval,
                    ["checks"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "smoke",
                        ["webhook"] = new JsonObject { ["url"] = webhook.ToString(), ["timeoutSeconds"] = 10 },
                    }),
                },
            ["rollback"] = new JsonObject { ["scaleDownDelaySeconds"] = 0 },
            ["completion"] = new JsonObject { ["rollbackWindowSeconds"] = 0 },
        },
    };

    /// <summary>
    /// A migration of pool <paramref name="name"/> judged by one Prometheus check against <paramref name="prometheus"/>:
    /// its first stage sends no traffic to V2 (weight 0), so only a passing check could make the operator move anything.
    /// </summary>
    public static JsonObject HoldingMigration(string ns, string name, string interval, Uri prometheus) => new()
    {
        ["apiVersion"] = $"{Group}/{Version}",
        ["kind"] = "PoolMigration",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["v1"] = new JsonObject { ["deployment"] = name + "-v1" },
            ["v2"] = new JsonObject { ["deployment"] = name + "-v2" },
            ["stages"] = new JsonArray(
                new JsonObject { ["name"] = "hold", ["weight"] = 0 },
                new JsonObject { ["name"] = "full", ["weight"] = 100 }),
            ["analysis"] = new JsonObject
            {
                ["interval"] = interval,
                ["checks"] = new JsonArray(new JsonObject
                {
                    ["name"] = "errors",
                    ["prometheus"] = new JsonObject { ["address"] = prometheus.ToString(), ["query"] = "sum(rate(errors_total[1m]))", ["timeoutSeconds"] = 10 },
                    ["max"] = 0.01,
                }),
            },
            ["rollback"] = new JsonObject { ["scaleDownDelaySeconds"] = 0 },
            ["completion"] = new JsonObject { ["rollbackWindowSeconds"] = 0 },
        },
    };

    /// <summary>Creates the migrations; returns when each create call returned, on the benchmark's clock.</summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> CreateMigrationsAsync(
        string ns,
        IReadOnlyList<string> names,
        Func<string, JsonObject> migration,
        CancellationToken cancellationToken)
    {
        var created = new System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await ForEachAsync(names, async (name, ct) =>
        {
            await IgnoreConflict(() => client.CustomObjects.CreateNamespacedCustomObjectAsync(migration(name), Group, Version, ns, Plural, cancellationToken: ct)).ConfigureAwait(false);
            created[name] = time.GetUtcNow();
        }, cancellationToken).ConfigureAwait(false);
        return created;
    }

    /// <summary>Approves the gate each migration waits at, as a person would (annotation with a fresh token).</summary>
    public Task ApproveAsync(string ns, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var token = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var patch = new V1Patch(new { metadata = new { annotations = new Dictionary<string, string> { ["pooloperator.io/approve"] = token } } }, V1Patch.PatchType.MergePatch);
        return ForEachAsync(names, (name, ct) =>
            new ValueTask(client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, Group, Version, ns, Plural, name, cancellationToken: ct)), cancellationToken);
    }

    /// <summary>Pauses a migration as a person would (<c>pooloperator.io/paused=true</c>), or lifts that pause by removing it.</summary>
    public Task SetPausedAnnotationAsync(string ns, string name, bool paused, CancellationToken cancellationToken)
    {
        var value = paused ? "\"true\"" : "null";
        var patch = new V1Patch($"{{\"metadata\":{{\"annotations\":{{\"pooloperator.io/paused\":{value}}}}}}}", V1Patch.PatchType.MergePatch);
        return client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, Group, Version, ns, Plural, name, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Creates <paramref name="count"/> pods of about <paramref name="bytes"/> bytes each that nothing schedules (no
    /// scheduler, no kubelet): they stay Pending, as pods of other teams would look to the operator's informers.
    /// </summary>
    public async Task CreateUnrelatedPodsAsync(string ns, int count, int bytes, CancellationToken cancellationToken)
    {
        await CreateNamespaceAsync(ns, cancellationToken).ConfigureAwait(false);
        // The rest of a pod's JSON (metadata, one container, status) is about 700 bytes.
        var filler = new string('x', Math.Max(0, bytes - 700));
        await ForEachAsync(Enumerable.Range(0, count), async (i, ct) =>
        {
            var pod = new V1Pod
            {
                Metadata = new V1ObjectMeta
                {
                    Name = $"unrelated-{i:D5}",
                    Labels = new Dictionary<string, string> { ["app"] = "unrelated", ["shard"] = (i % 50).ToString(System.Globalization.CultureInfo.InvariantCulture) },
                    Annotations = new Dictionary<string, string> { ["example.com/notes"] = filler },
                },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "registry.invalid/unrelated:1" }] },
            };
            await IgnoreConflict(() => client.CoreV1.CreateNamespacedPodAsync(pod, ns, cancellationToken: ct)).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every Deployment of <paramref name="ns"/> by name, with its resourceVersion: any write to one changes it.</summary>
    public async Task<IReadOnlyDictionary<string, string>> DeploymentVersionsAsync(string ns, CancellationToken cancellationToken)
    {
        var list = await client.AppsV1.ListNamespacedDeploymentAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        return list.Items.ToDictionary(d => d.Name(), d => d.ResourceVersion(), StringComparer.Ordinal);
    }

    /// <summary>Deletes every migration of <paramref name="ns"/> and waits until the operator has let them go (finalizers).</summary>
    public async Task DeleteMigrationsAsync(string ns, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await client.CustomObjects.DeleteCollectionNamespacedCustomObjectAsync(Group, Version, ns, Plural, cancellationToken: cancellationToken).ConfigureAwait(false);
        var started = time.GetTimestamp();
        while (true)
        {
            var list = (System.Text.Json.JsonElement)await client.CustomObjects.ListNamespacedCustomObjectAsync(Group, Version, ns, Plural, cancellationToken: cancellationToken).ConfigureAwait(false);
            var left = list.GetProperty("items").GetArrayLength();
            if (left == 0)
            {
                return;
            }

            if (time.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"{left} migrations in {ns} still exist {timeout.TotalSeconds:0} s after they were deleted");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes a namespace without waiting for the namespace controller to empty it.</summary>
    public async Task DeleteNamespaceAsync(string ns, CancellationToken cancellationToken)
    {
        try
        {
            await client.CoreV1.DeleteNamespaceAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    private static Task ForEachAsync<T>(IEnumerable<T> items, Func<T, CancellationToken, ValueTask> action, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, action);

    private static async ValueTask IgnoreConflict(Func<Task> create)
    {
        try
        {
            await create().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Left by an interrupted earlier step: already there is what we want.
        }
    }
}
