using k8s.Models;
using Microsoft.Extensions.Logging;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Events;
using PoolOperator.Observation;
using PoolOperator.Routing.Replicas;

namespace PoolOperator.Controllers;

/// <summary>
/// Deleting a migration puts back what it touched before the object goes: V1 to its original replicas first (and
/// ready, capacity first), then the traffic through every router, then V2 to its original replicas; then the
/// finalizer is removed. A completed, rolled-back, invalid or never-started migration has nothing to put back and
/// is released at once. Every step is a desired state read from status.original, so an operator killed mid-way
/// finishes the job on restart.
/// </summary>
internal sealed partial class MigrationFinalizer(
    MigrationWriter writer,
    MigrationCaches caches,
    ClusterObserver observer,
    ReplicaRouter replicas,
    IMigrationEventSink events,
    ILogger<MigrationFinalizer> logger)
{
    public const string Name = "pooloperator.io/finalizer";

    /// <summary>How often a deletion waiting for V1's pods looks again even if no change arrives.</summary>
    private static readonly TimeSpan WaitingRecheck = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan CacheWait = TimeSpan.FromMilliseconds(250);

    /// <summary>What a deletion reads: the routers' objects to restore, never the pods.</summary>
    public static CacheNeeds Needs { get; } = new(Pods: false, Routers: true);

    public static bool IsOn(PoolMigration migration) => migration.Metadata.Finalizers?.Contains(Name) == true;

    /// <returns>When to look again; null once the finalizer is removed.</returns>
    public async Task<TimeSpan?> FinishAsync(PoolMigration migration, CancellationToken cancellationToken)
    {
        var status = migration.Status;
        var phase = status?.Phase;
        if (status?.Original is null || phase is Phases.Completed or Phases.RolledBack or Phases.Invalid)
        {
            await events.RecordAsync(migration, new MigrationEvent(MigrationEvent.Normal, "Released", ReleaseMessage(phase), "deleted"), cancellationToken).ConfigureAwait(false);
            return await RemoveAsync(migration, cancellationToken).ConfigureAwait(false);
        }

        if (!caches.Declare(migration, Needs))
        {
            return CacheWait;
        }

        var original = status.Original;
        var ns = migration.Metadata.NamespaceProperty;
        var v1 = Live(observer.Deployment(ns, NameOr(original.V1.Deployment, migration.Spec.V1.Deployment)));
        var v2 = Live(observer.Deployment(ns, NameOr(original.V2.Deployment, migration.Spec.V2.Deployment)));
        if (v1 is not null)
        {
            await RestoreAsync(migration, v1, original.V1, cancellationToken).ConfigureAwait(false);
            var ready = v1.Status?.ReadyReplicas ?? 0;
            var wanted = Autoscaling.OriginalLever(original.V1);
            if (ready < wanted)
            {
                var message = $"Deleting: restoring V1 to {wanted} replicas ({ready} ready) before the traffic returns to it";
                return await SayAsync(migration, message, cancellationToken).ConfigureAwait(false) ? WaitingRecheck : TimeSpan.Zero;
            }
        }

        var restore = TrafficState.Restore(phase ?? Phases.Pending);
        foreach (var router in caches.ConfiguredRouters(migration))
        {
            await router.ApplyAsync(migration, restore, cancellationToken).ConfigureAwait(false);
        }

        if (v2 is not null)
        {
            await RestoreAsync(migration, v2, original.V2, cancellationToken).ConfigureAwait(false);
        }

        var restored = $"Deleted mid-migration: V1 back to {Describe(original.V1)}, traffic restored, V2 back to {Describe(original.V2)}";
        await events.RecordAsync(migration, new MigrationEvent(MigrationEvent.Normal, "Restored", restored, "deleted"), cancellationToken).ConfigureAwait(false);
        LogRestored(logger, ns, migration.Metadata.Name, restored);
        return await RemoveAsync(migration, cancellationToken).ConfigureAwait(false);
    }

    private static string Describe(OriginalDeployment original) => original.Autoscaler is { } hpa
        ? $"HorizontalPodAutoscaler {hpa.Name} bounds {hpa.MinReplicas}..{hpa.MaxReplicas}"
        : $"{original.Replicas} replicas";

    private static string ReleaseMessage(string? phase) => phase switch
    {
        Phases.Completed => "Deleted after completion: V2 keeps serving; nothing restored",
        Phases.RolledBack => "Deleted after rolling back: the original state is already in place",
        Phases.Invalid => "Deleted while invalid: nothing restored",
        _ => "Deleted before it changed anything: nothing to restore",
    };

    /// <summary>Puts a pool back: its replicas, or for a pool an HPA scales, the HPA's bounds (its replicas are the HPA's).</summary>
    private async Task RestoreAsync(PoolMigration migration, V1Deployment deployment, OriginalDeployment original, CancellationToken cancellationToken)
    {
        var name = deployment.Name();
        if (original.Autoscaler is { } bounds && observer.AutoscalersOf(migration.Metadata.NamespaceProperty, name) is [var hpa])
        {
            await replicas.BoundAsync(migration, new BoundAutoscaler(name, hpa.Name(), bounds.MinReplicas, bounds.MaxReplicas), cancellationToken).ConfigureAwait(false);
            return;
        }

        await replicas.ScaleAsync(migration, new ScaleDeployment(name, original.Replicas), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A Deployment being deleted (say, with its namespace) can neither be restored nor waited for.</summary>
    private static V1Deployment? Live(V1Deployment? deployment) => deployment?.Metadata.DeletionTimestamp is null ? deployment : null;

    private static string NameOr(string recorded, string fromSpec) => string.IsNullOrEmpty(recorded) ? fromSpec : recorded;

    /// <returns>False after a conflict: decide again at once.</returns>
    private async Task<bool> SayAsync(PoolMigration migration, string message, CancellationToken cancellationToken)
    {
        if (migration.Status!.Message == message)
        {
            return true;
        }

        var status = StatusCloner.Clone(migration.Status);
        status.Message = message;
        return await writer.WriteStatusAsync(migration, status, cancellationToken).ConfigureAwait(false) is not null;
    }

    private async Task<TimeSpan?> RemoveAsync(PoolMigration migration, CancellationToken cancellationToken)
    {
        if (await writer.SetFinalizerAsync(migration, present: false, cancellationToken).ConfigureAwait(false) is null)
        {
            return TimeSpan.Zero;
        }

        caches.Release(Runtime.Informers.NamespacedName.Of(migration));
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Namespace}/{Name}: {Message}")]
    private static partial void LogRestored(ILogger logger, string @namespace, string name, string message);
}
