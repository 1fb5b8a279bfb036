using k8s;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Observation;
using PoolOperator.Routing;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.IntegrationTests.Operator.Extension;

/// <summary>
/// The smallest traffic router there is, added the way docs/extending.md says: it writes the traffic state it is asked
/// for into an annotation of the ConfigMap <c>NAME-traffic</c> next to migration NAME. Before the migration that
/// ConfigMap carries no such annotation; restoring removes it again.
/// </summary>
internal sealed class AnnotationRouter(IKubernetes client, InterestCache<V1ConfigMap> configMaps) : ITrafficRouter
{
    public const string Annotation = "example.com/traffic";

    public string Name => "annotation";

    public IInterestCache Cache => configMaps;

    public bool IsConfigured(PoolMigrationSpec spec) => true;

    public IEnumerable<ObjectInterest> Interests(PoolMigration migration) =>
        [new ObjectInterest(migration.Metadata.NamespaceProperty, ConfigMapOf(migration))];

    public void RecordOriginal(PoolMigration migration, OriginalState original)
    {
        // The original is "no annotation", which needs no record.
    }

    public async Task ApplyAsync(PoolMigration migration, TrafficState traffic, CancellationToken cancellationToken)
    {
        var ns = migration.Metadata.NamespaceProperty;
        var current = configMaps.Get(ns, ConfigMapOf(migration));
        if (current is null)
        {
            return;
        }

        var desired = traffic.RestoreOriginal ? null : Render(traffic);
        string? now = null;
        current.Metadata.Annotations?.TryGetValue(Annotation, out now);
        if (now == desired)
        {
            return;
        }

        var patch = new { metadata = new { annotations = new Dictionary<string, string?> { [Annotation] = desired } } };
        var written = await client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch(KubernetesJson.Serialize(patch), V1Patch.PatchType.MergePatch), current.Name(), ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        configMaps.Latest.Supersede(current, written);
    }

    public static string ConfigMapOf(PoolMigration migration) => $"{migration.Metadata.Name}-traffic";

    public static string Render(TrafficState traffic) => $"v2={traffic.V2Weight} shadow={traffic.ShadowPercent} phase={traffic.Phase}";
}
