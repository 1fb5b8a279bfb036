using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Observation;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.Routing;

/// <summary>
/// One way of moving live traffic between the pools (a flags ConfigMap read by the client SDK, a Gateway API route, a
/// mesh). The core decides a neutral <see cref="TrafficState"/>; a router turns it into its own objects, keeps its own
/// snapshot of what they looked like before the migration, and puts that snapshot back when asked to restore.
/// A router reads its objects from <see cref="Cache"/> and writes only when an object differs from what it should be,
/// so a round that changes nothing costs no API request. Adding a router is one implementation of this interface plus
/// its registration (docs/extending.md).
/// </summary>
internal interface ITrafficRouter
{
    /// <summary>A short name for logs and messages, e.g. <c>flags</c>.</summary>
    string Name { get; }

    /// <summary>The cache this router reads its objects from; several routers may share one.</summary>
    IInterestCache Cache { get; }

    /// <summary>True when the migration's spec asks for this router.</summary>
    bool IsConfigured(PoolMigrationSpec spec);

    /// <summary>The objects of <paramref name="migration"/> this router reads, which <see cref="Cache"/> must hold while it is configured.</summary>
    IEnumerable<ObjectInterest> Interests(PoolMigration migration);

    /// <summary>
    /// Problems with this router's objects that make the migration Invalid before anything is changed (say, a route that does
    /// not exist); read from <see cref="Cache"/>. None by default.
    /// </summary>
    IEnumerable<SpecProblem> Problems(PoolMigration migration) => [];

    /// <summary>
    /// The traffic this router's objects carry now, as the cache shows them, one entry per place that carries it; a stage
    /// is reported in place only once every entry carries it. None by default: what the router wrote is taken as in place.
    /// </summary>
    IEnumerable<RoutedTraffic> Carried(PoolMigration migration) => [];

    /// <summary>
    /// Records, into <paramref name="original"/>, what this router will change, before it changes anything. Called once per
    /// migration, in the round that records the original state; persisted with that round's status.
    /// </summary>
    void RecordOriginal(PoolMigration migration, OriginalState original);

    /// <summary>
    /// Puts <paramref name="traffic"/> in place, writing only what differs; with <see cref="TrafficState.RestoreOriginal"/> puts
    /// back the recorded original (an object that is gone and did not exist before the migration stays gone).
    /// </summary>
    Task ApplyAsync(PoolMigration migration, TrafficState traffic, CancellationToken cancellationToken);
}
