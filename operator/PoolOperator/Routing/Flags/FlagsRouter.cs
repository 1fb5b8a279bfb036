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

    public bool Handles(MigrationAction action) => action is PublishFlags;

    public async Task ApplyAsync(PoolMigration migration, MigrationAction action, CancellationToken cancellationToken)
    {
        var publish = (PublishFlags)action;
        var ns = migration.Metadata.NamespaceProperty;
        var existing = await ClusterObserver.ReadOrNullAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync(publish.ConfigMap, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
        string? current = null;
        existing?.Data?.TryGetValue(DataKey, out current);

        var desired = publish.RestoreRolloutJson ?? Render(migration, publish);
        // updatedAt changes on every render, so compare the rest; a rewrite wakes every SDK reader.
        if (current is not null && SameState(current, desired))
        {
            return;
        }

        var body = new
        {
            apiVersion = "v1",
            kind = "ConfigMap",
            metadata = new { name = publish.ConfigMap, @namespace = ns, labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = Runtime.RuntimeDefaults.ComponentName } },
            data = new Dictionary<string, string> { [DataKey] = desired },
        };
        await client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch(KubernetesJson.Serialize(body), V1Patch.PatchType.ApplyPatch),
            publish.ConfigMap,
            ns,
            fieldManager: ReplicaRouter.FieldManager,
            force: true,
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private string Render(PoolMigration migration, PublishFlags publish) =>
        JsonSerializer.Serialize(new RolloutDocument(
            $"{migration.Metadata.NamespaceProperty}/{migration.Metadata.Name}",
            migration.Metadata.Generation ?? 1,
            publish.V2Percent,
            publish.ShadowPercent,
            publish.Phase,
            publish.Overrides,
            time.GetUtcNow()));

    private static bool SameState(string current, string desired)
    {
        try
        {
            using var a = JsonDocument.Parse(current);
            using var b = JsonDocument.Parse(desired);
            return Strip(a.RootElement) == Strip(b.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Strip(JsonElement element) =>
        element.ValueKind != JsonValueKind.Object
            ? element.GetRawText()
            : string.Join(",", element.EnumerateObject().Where(p => p.Name != "updatedAt").Select(p => $"{p.Name}={p.Value.GetRawText()}"));
}
