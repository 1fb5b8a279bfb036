using System.Text.Json;
using k8s;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Observation;
using PoolOperator.Routing.Replicas;

namespace PoolOperator.Routing.Flags;

/// <summary>Publishes the flag state for the client SDK in a ConfigMap, key <c>rollout.json</c>.</summary>
internal sealed class FlagsRouter(IKubernetes client, TimeProvider time) : ITrafficRouter
{
    public const string DataKey = "rollout.json";

    public string Name => "flags";

    public bool IsConfigured(PoolMigrationSpec spec) => spec.TrafficRouting?.Flags is { ConfigMap.Length: > 0 };

    public async Task RecordOriginalAsync(PoolMigration migration, OriginalState original, CancellationToken cancellationToken)
    {
        var flags = migration.Spec.TrafficRouting!.Flags!;
        var existing = await ReadAsync(migration, flags.ConfigMap, cancellationToken).ConfigureAwait(false);
        string? json = null;
        existing?.Data?.TryGetValue(DataKey, out json);
        original.Flags = new OriginalFlags { ConfigMap = flags.ConfigMap, Existed = existing is not null, RolloutJson = json };
    }

    public async Task ApplyAsync(PoolMigration migration, TrafficState traffic, CancellationToken cancellationToken)
    {
        var flags = migration.Spec.TrafficRouting!.Flags!;
        var ns = migration.Metadata.NamespaceProperty;
        var existing = await ReadAsync(migration, flags.ConfigMap, cancellationToken).ConfigureAwait(false);
        string? current = null;
        existing?.Data?.TryGetValue(DataKey, out current);

        var desired = FlagsDocument.Desired(migration, traffic, time.GetUtcNow());
        // updatedAt changes on every render, so compare the rest; a rewrite wakes every SDK reader.
        if (current is not null && FlagsDocument.SameState(current, desired))
        {
            return;
        }

        var body = new
        {
            apiVersion = "v1",
            kind = "ConfigMap",
            metadata = new { name = flags.ConfigMap, @namespace = ns, labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = Runtime.RuntimeDefaults.ComponentName } },
            data = new Dictionary<string, string> { [DataKey] = desired },
        };
        await client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch(KubernetesJson.Serialize(body), V1Patch.PatchType.ApplyPatch),
            flags.ConfigMap,
            ns,
            fieldManager: ReplicaRouter.FieldManager,
            force: true,
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private Task<V1ConfigMap?> ReadAsync(PoolMigration migration, string name, CancellationToken cancellationToken) =>
        ClusterObserver.ReadOrNullAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync(name, migration.Metadata.NamespaceProperty, cancellationToken: cancellationToken));
}
