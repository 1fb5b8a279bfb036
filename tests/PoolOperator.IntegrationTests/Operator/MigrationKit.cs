using k8s;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.LocalCluster;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>What operator tests do again and again: pools, migrations, annotations, status and Events.</summary>
internal sealed class MigrationKit(ClusterFixture cluster, string ns)
{
    public IKubernetes Client => cluster.Client;

    public string Namespace => ns;

    /// <summary>Creates Deployments NAME-v1 (v1Replicas) and NAME-v2 (0) with disjoint selectors and waits for V1 to be ready.</summary>
    public async Task CreatePoolAsync(string name, int v1Replicas, PodBehaviour v2Behaviour = PodBehaviour.Ready)
    {
        await cluster.CreateDeploymentAsync(ns, $"{name}-v1", v1Replicas, new Dictionary<string, string> { ["app"] = name, ["track"] = "v1" }).ConfigureAwait(false);
        await cluster.CreateDeploymentAsync(ns, $"{name}-v2", 0, new Dictionary<string, string> { ["app"] = name, ["track"] = "v2" }, v2Behaviour).ConfigureAwait(false);
        await cluster.WaitForAsync(
            async () => (await ReadDeploymentAsync($"{name}-v1").ConfigureAwait(false)).Status?.ReadyReplicas == v1Replicas,
            TimeSpan.FromSeconds(30),
            $"{name}-v1 has {v1Replicas} ready replicas").ConfigureAwait(false);
    }

    public static PoolMigration Migration(string name, params MigrationStage[] stages) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new PoolMigrationSpec
        {
            V1 = new PoolReference { Deployment = $"{name}-v1" },
            V2 = new PoolReference { Deployment = $"{name}-v2" },
            Stages = stages.Length > 0 ? stages :
            [
                new MigrationStage { Name = "canary-25", Weight = 25, Duration = "1s" },
                new MigrationStage { Name = "full", Weight = 100, Duration = "1s" },
            ],
            Analysis = new AnalysisSpec { Interval = "1s" },
            Rollback = new RollbackSpec { ScaleDownDelaySeconds = 1 },
            Completion = new CompletionSpec { RollbackWindowSeconds = 1 },
        },
    };

    public async Task<PoolMigration> CreateAsync(PoolMigration migration)
    {
        migration.Metadata.NamespaceProperty = ns;
        return await Client.CustomObjects.CreateNamespacedCustomObjectAsync<PoolMigration>(
            migration, PoolMigration.Group, PoolMigration.Version, ns, PoolMigration.Plural).ConfigureAwait(false);
    }

    public Task<PoolMigration> GetAsync(string name) =>
        Client.CustomObjects.GetNamespacedCustomObjectAsync<PoolMigration>(PoolMigration.Group, PoolMigration.Version, ns, PoolMigration.Plural, name);

    public Task<V1Deployment> ReadDeploymentAsync(string name) => Client.AppsV1.ReadNamespacedDeploymentAsync(name, ns);

    public Task AnnotateAsync(string name, string annotation, string? value)
    {
        var patch = new { metadata = new { annotations = new Dictionary<string, string?> { [annotation] = value } } };
        return Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch),
            PoolMigration.Group, PoolMigration.Version, ns, PoolMigration.Plural, name);
    }

    public Task PatchSpecAsync(string name, object specPatch) =>
        Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(new { spec = specPatch }, V1Patch.PatchType.MergePatch),
            PoolMigration.Group, PoolMigration.Version, ns, PoolMigration.Plural, name);

    /// <summary>Waits until the migration's status satisfies <paramref name="condition"/>; returns that migration.</summary>
    public async Task<PoolMigration> WaitForAsync(string name, Func<PoolMigration, bool> condition, TimeSpan timeout, string description)
    {
        PoolMigration? seen = null;
        try
        {
            await cluster.WaitForAsync(async () =>
            {
                seen = await GetAsync(name).ConfigureAwait(false);
                return condition(seen);
            }, timeout, $"{name}: {description}").ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} (last status: phase {seen?.Status?.Phase}, stage {seen?.Status?.StageName}, weight {seen?.Status?.Weight}, message {seen?.Status?.Message})", e);
        }

        return seen!;
    }

    public Task<PoolMigration> WaitForPhaseAsync(string name, string phase, TimeSpan timeout) =>
        WaitForAsync(name, m => m.Status?.Phase == phase, timeout, $"phase {phase}");

    public async Task<IReadOnlyList<Corev1Event>> EventsAsync(string name)
    {
        var events = await Client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: $"involvedObject.name={name}").ConfigureAwait(false);
        return events.Items.ToList();
    }
}
