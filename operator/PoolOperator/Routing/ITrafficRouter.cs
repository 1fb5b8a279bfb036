using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Routing;

/// <summary>
/// One way of moving live traffic between the pools (a flags ConfigMap read by the client SDK, a Gateway API route, a
/// mesh). The core decides a neutral <see cref="TrafficState"/>; a router turns it into its own objects, keeps its own
/// snapshot of what they looked like before the migration, and puts that snapshot back when asked to restore.
/// Adding a router is one implementation of this interface plus its registration (docs/extending.md).
/// </summary>
internal interface ITrafficRouter
{
    /// <summary>A short name for logs and messages, e.g. <c>flags</c>.</summary>
    string Name { get; }

    /// <summary>True when the migration's spec asks for this router.</summary>
    bool IsConfigured(PoolMigrationSpec spec);

    /// <summary>
    /// Records, into <paramref name="original"/>, what this router will change, before it changes anything. Called once per
    /// migration, in the round that records the original state; persisted with that round's status.
    /// </summary>
    Task RecordOriginalAsync(PoolMigration migration, OriginalState original, CancellationToken cancellationToken);

    /// <summary>Puts <paramref name="traffic"/> in place, idempotently; with <see cref="TrafficState.RestoreOriginal"/> puts back the recorded original.</summary>
    Task ApplyAsync(PoolMigration migration, TrafficState traffic, CancellationToken cancellationToken);
}
