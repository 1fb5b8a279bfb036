using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.Observation;

/// <summary>
/// The Services of the namespaces that have migrations, read to tell whether one of them selects V2's pods while V2 must
/// answer nobody. A Service's selector lives in its spec, not its labels, so a migration's interest is its whole namespace;
/// only the selector is kept in the cache.
/// </summary>
internal sealed class PoolServices(InterestCache<V1Service> services)
{
    public InterestCache<V1Service> Cache => services;

    public static ObjectInterest InterestOf(PoolMigration migration) => new(migration.Metadata.NamespaceProperty);

    /// <summary>The names of the Services that select <paramref name="v2"/>'s pods, except the route's own V2 backend.</summary>
    public IReadOnlyList<string> SelectingPodsOf(PoolMigration migration, V1Deployment v2) =>
        Selecting(services.List(InterestOf(migration)), v2.Spec?.Template?.Metadata?.Labels, migration.Spec.TrafficRouting?.GatewayApi?.V2Service);

    /// <summary>
    /// The Services whose selector picks pods labelled <paramref name="podLabels"/>: a non-empty selector whose every pair the
    /// labels hold (a Service without a selector selects nothing), other than <paramref name="except"/>.
    /// </summary>
    public static IReadOnlyList<string> Selecting(IEnumerable<V1Service> candidates, IDictionary<string, string>? podLabels, string? except) =>
        [.. candidates
            .Where(s => s.Metadata?.Name != except && s.Spec?.Selector is { Count: > 0 } selector
                && podLabels is not null && selector.All(pair => podLabels.TryGetValue(pair.Key, out var value) && value == pair.Value))
            .Select(s => s.Metadata!.Name)
            .Order(StringComparer.Ordinal)];

    /// <summary>What the cache keeps of a Service: its identity and selector.</summary>
    public static V1Service Summary(V1Service service) => new()
    {
        ApiVersion = service.ApiVersion,
        Kind = service.Kind,
        Metadata = new V1ObjectMeta
        {
            Name = service.Metadata?.Name,
            NamespaceProperty = service.Metadata?.NamespaceProperty,
            Uid = service.Metadata?.Uid,
            ResourceVersion = service.Metadata?.ResourceVersion,
            Labels = service.Metadata?.Labels,
        },
        Spec = new V1ServiceSpec { Selector = service.Spec?.Selector },
    };
}
