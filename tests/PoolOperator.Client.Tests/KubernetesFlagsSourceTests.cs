using k8s;
using k8s.Models;
using Xunit;

namespace PoolOperator.Client.Tests;

public sealed class KubernetesFlagsSourceTests(KubernetesApiFixture api) : IClassFixture<KubernetesApiFixture>, IAsyncLifetime
{
    private const string ConfigMapName = "session-pool-rollout";
    private readonly string ns = $"sdk-{Guid.NewGuid():N}"[..20];

    public async Task InitializeAsync()
    {
        if (new KubernetesClusterFactAttribute().Skip is null)
        {
            await api.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        }
    }

    public async Task DisposeAsync()
    {
        if (new KubernetesClusterFactAttribute().Skip is null)
        {
            await api.Client.CoreV1.DeleteNamespaceAsync(ns);
        }
    }

    [KubernetesClusterFact]
    public async Task The_ConfigMap_is_read_at_start_and_followed_through_the_watch()
    {
        await api.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(Documents.Rollout(5)), ns);
        await using var client = KubernetesClient();

        await client.StartAsync();
        Assert.Equal(5, client.Flags.V2Percent);
        Assert.Equal($"configmap {ns}/{ConfigMapName} key rollout.json", client.FlagsStatus.Source);

        var flags = await client.WaitForAsync(f => f.Generation == 2, () => ReplaceAsync(Documents.Rollout(25, generation: 2)));
        Assert.Equal(25, flags.V2Percent);

        flags = await client.WaitForAsync(f => f.Phase == "RolledBack", () => ReplaceAsync(Documents.Rollout(25, phase: "RolledBack", generation: 3)));
        Assert.Equal(new PoolDecision(Pool.V1, DecisionReason.Rollback, false), client.Decide("session-1"));
    }

    [KubernetesClusterFact]
    public async Task A_malformed_or_deleted_ConfigMap_keeps_the_last_good_state()
    {
        await api.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(Documents.Rollout(50)), ns);
        await using var client = KubernetesClient();
        using var metrics = new MetricRecorder(client.Meter);
        var applied = new List<(long Generation, int V2Percent)>();
        client.FlagsChanged += (_, flags) =>
        {
            lock (applied)
            {
                applied.Add((flags.Generation, flags.V2Percent));
            }
        };
        await client.StartAsync();
        Assert.Equal(50, client.Flags.V2Percent);

        // Each problem is followed by a good document: the watch delivers in order, so seeing the good one proves
        // the bad one was read before it.
        await ReplaceAsync("{\"v2Percent\": \"fifty\"}");
        await client.WaitForAsync(f => f.Generation == 2, () => ReplaceAsync(Documents.Rollout(50, generation: 2)));
        Assert.Equal(1, metrics.Sum("poolmigration.flags.reloads", ("result", "malformed")));

        await api.Client.CoreV1.DeleteNamespacedConfigMapAsync(ConfigMapName, ns);
        await client.WaitForAsync(f => f.Generation == 3, () => api.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(Documents.Rollout(75, generation: 3)), ns));
        Assert.Equal(1, metrics.Sum("poolmigration.flags.reloads", ("result", "missing")));

        // Neither problem replaced the state in use: only valid documents were ever applied.
        lock (applied)
        {
            Assert.Equal([(1L, 50), (2L, 50), (3L, 75)], applied);
        }
    }

    [KubernetesClusterFact]
    public async Task A_ConfigMap_created_after_start_is_picked_up()
    {
        await using var client = KubernetesClient();
        await client.StartAsync();
        Assert.False(client.FlagsStatus.HasDocument);
        Assert.Contains("no such ConfigMap", client.FlagsStatus.Problem, StringComparison.Ordinal);
        Assert.Equal(Pool.V1, client.Decide("session-1").Pool);

        await client.WaitForAsync(f => f.V2Percent == 100, () => api.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(Documents.Rollout(100)), ns));
        Assert.Equal(Pool.V2, client.Decide("session-1").Pool);
    }

    private PoolMigrationClient KubernetesClient() => new(
        new PoolMigrationOptions
        {
            Source = FlagsSourceKind.Kubernetes,
            ConfigMapName = ConfigMapName,
            ConfigMapNamespace = ns,
            ForceEnvironmentVariable = "",
        },
        kubernetes: api.Client);

    private Task ReplaceAsync(string document) =>
        api.Client.CoreV1.ReplaceNamespacedConfigMapAsync(ConfigMap(document), ConfigMapName, ns);

    private V1ConfigMap ConfigMap(string document) => new()
    {
        Metadata = new V1ObjectMeta { Name = ConfigMapName, NamespaceProperty = ns },
        Data = new Dictionary<string, string> { ["rollout.json"] = document },
    };
}
