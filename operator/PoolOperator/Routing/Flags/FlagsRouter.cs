using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Observation;
using PoolOperator.Routing.Replicas;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.Routing.Flags;

/// <summary>Publishes the flag state for the client SDK in a ConfigMap, key <c>rollout.json</c>.</summary>
internal sealed class FlagsRouter(IKubernetes client, InterestCache<V1ConfigMap> configMaps, TimeProvider time) : ITrafficRouter
{
    public const string DataKey = "rollout.json";

    public string Name => "flags";

    public IInterestCache Cache => configMaps;

    public bool IsConfigured(PoolMigrationSpec spec) => spec.TrafficRouting?.Flags is { ConfigMap.Length: > 0 };

    public IEnumerable<ObjectInterest> Interests(PoolMigration migration) =>
        [new ObjectInterest(migration.Metadata.NamespaceProperty, migration.Spec.TrafficRouting!.Flags!.ConfigMap)];

    public void RecordOriginal(PoolMigration migration, OriginalState original)
    {
        var flags = migration.Spec.TrafficRouting!.Flags!;
        var existing = configMaps.Get(migration.Metadata.NamespaceProperty, flags.ConfigMap);
        string? json = null;
        existing?.Data?.TryGetValue(DataKey, out json);
        original.Flags = new OriginalFlags { ConfigMap = flags.ConfigMap, Existed = existing is not null, RolloutJson = json };
    }

    public async Task ApplyAsync(PoolMigration migration, TrafficState traffic, CancellationToken cancellationToken)
    {
        var flags = migration.Spec.TrafficRouting!.Flags!;
        var ns = migration.Metadata.NamespaceProperty;
        var existing = configMaps.Get(ns, flags.ConfigMap);
        if (existing is null && traffic.RestoreOriginal && migration.Status?.Original?.Flags is not { Existed: true })
        {
            // Nothing to put back: the ConfigMap did not exist before the migration and does not now.
            return;
        }

        string? current = null;
        existing?.Data?.TryGetValue(DataKey, out current);
        var desired = FlagsDocument.Desired(migration, traffic, time.GetUtcNow());
        // updatedAt changes on every render, so compare the rest; a rewrite wakes every SDK reader.
        if (current is not null && FlagsDocument.SameState(current, desired))
        {
            return;
        }

        var body = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject
            {
                ["name"] = flags.ConfigMap,
                ["namespace"] = ns,
                ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = Runtime.RuntimeDefaults.ComponentName },
            },
            ["data"] = new JsonObject { [DataKey] = desired },
        };
        var written = await client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch(body.ToJsonString(), V1Patch.PatchType.ApplyPatch),
            flags.ConfigMap,
            ns,
            fieldManager: ReplicaRouter.FieldManager,
            force: true,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        configMaps.Latest.Supersede(existing, written);
    }
}
