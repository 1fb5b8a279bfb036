using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;
using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Events;
using PoolOperator.Observation;
using PoolOperator.Routing;
using PoolOperator.Routing.Replicas;
using PoolOperator.Telemetry;
using PoolOperator.Validation;

namespace PoolOperator.Controllers;

/// <summary>
/// One reconcile of one PoolMigration: observe, ask the decision core, persist the status, then apply what the
/// status implies and record its Events. Writing status first is what makes a crash at any instant safe: the
/// next round re-derives the same desired state from the persisted status.
/// </summary>
internal sealed partial class PoolMigrationReconciler(
    IKubernetes client,
    ClusterObserver observer,
    ReplicaRouter replicas,
    IEnumerable<ITrafficRouter> routers,
    ICheckMeasurer measurer,
    IMigrationEventSink events,
    OperatorMetrics metrics,
    TimeProvider time,
    ILogger<PoolMigrationReconciler> logger)
{
    private static readonly TimeSpan MinimumRequeue = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Resync = TimeSpan.FromMinutes(5);
    private readonly ITrafficRouter[] routers = routers.ToArray();

    // When each migration's checks are measured next. Kept in memory, not in status, so a round with nothing new
    // writes nothing; after a restart every migration measures once at once.
    private readonly ConcurrentDictionary<string, DateTimeOffset> nextAnalysis = new();

    /// <returns>When to reconcile again even if nothing changes; null when only a change should wake it.</returns>
    public async Task<TimeSpan?> ReconcileAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var migration = await ClusterObserver.ReadOrNullAsync(() => client.CustomObjects.GetNamespacedCustomObjectAsync<PoolMigration>(
            PoolMigration.Group, PoolMigration.Version, @namespace, PoolMigration.Plural, name, cancellationToken)).ConfigureAwait(false);
        if (migration is null || migration.Metadata.DeletionTimestamp is not null)
        {
            nextAnalysis.TryRemove($"{@namespace}/{name}", out _);
            return null;
        }

        var world = await observer.ObserveAsync(migration, cancellationToken).ConfigureAwait(false);
        var specErrors = SpecValidator.Validate(migration.Spec).ToList();
        if (specErrors.Count == 0 && world.V1Deployment is not null && world.V2Deployment is not null)
        {
            specErrors.AddRange(SpecValidator.ValidateAgainstCluster(migration.Spec, world.V1Deployment, world.V2Deployment));
        }

        var now = time.GetUtcNow();
        var scheduleKey = $"{@namespace}/{name}";
        DateTimeOffset? nextAnalysisAt = nextAnalysis.TryGetValue(scheduleKey, out var scheduled) ? scheduled : null;
        var due = AnalysisSchedule.IsDue(nextAnalysisAt, now);
        var measurements = specErrors.Count == 0 && due ? await MeasureAsync(migration, world, cancellationToken).ConfigureAwait(false) : [];
        var decision = MigrationDecider.Decide(new MigrationInput(
            migration, world.V1, world.V2, specErrors, measurements, now, nextAnalysisAt));
        var configuredRouters = routers.Where(r => r.IsConfigured(migration.Spec)).ToList();
        if (migration.Status?.Original is null && decision.Status.Original is { } original)
        {
            // Each router snapshots what it will change in the same status write that records the original state,
            // before anything is changed.
            foreach (var router in configuredRouters)
            {
                await router.RecordOriginalAsync(migration, original, cancellationToken).ConfigureAwait(false);
            }
        }

        if (StatusChanged(migration.Status, decision.Status))
        {
            var previousPhase = migration.Status?.Phase;
            migration.Status = decision.Status;
            try
            {
                migration = await client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<PoolMigration>(
                    StatusPayload.For(migration), PoolMigration.Group, PoolMigration.Version, @namespace, PoolMigration.Plural, name,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // Someone changed the object since we read it: decide again from what is there now.
                LogConflict(logger, @namespace, name);
                return TimeSpan.Zero;
            }

            if (previousPhase != decision.Status.Phase)
            {
                LogPhase(logger, @namespace, name, previousPhase ?? "-", decision.Status.Phase ?? "-", decision.Status.Message ?? "");
                metrics.PhaseChanged(decision.Status.Phase ?? Phases.Pending);
            }
        }

        // Only once the status holds what was measured: a round that lost a write conflict measures again.
        if (due)
        {
            nextAnalysis[scheduleKey] = AnalysisSchedule.NextAfter(now, MigrationPlan.From(migration.Spec));
        }

        foreach (var action in decision.Actions)
        {
            switch (action)
            {
                case ScaleDeployment scale:
                    await replicas.ScaleAsync(migration, scale, cancellationToken).ConfigureAwait(false);
                    break;
                case RouteTraffic route:
                    foreach (var router in configuredRouters)
                    {
                        await router.ApplyAsync(migration, route.Traffic, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                default:
                    throw new InvalidOperationException($"No router applies {action.GetType().Name}");
            }
        }

        foreach (var migrationEvent in decision.Events)
        {
            await events.RecordAsync(migration, migrationEvent, cancellationToken).ConfigureAwait(false);
        }

        metrics.Observe(migration, Stopwatch.GetElapsedTime(started));
        return decision.RequeueAfter is { } after ? Clamp(after) : Resync;
    }

    private async Task<IReadOnlyList<Measurement>> MeasureAsync(PoolMigration migration, ObservedWorld world, CancellationToken cancellationToken)
    {
        var status = migration.Status;
        var plan = MigrationPlan.From(migration.Spec);
        var analysing = status?.Phase is { } phase && Phases.Analysing.Contains(phase);
        if (!analysing || plan.Checks.Count == 0 || world.V1 is null || world.V2 is null)
        {
            return [];
        }

        var context = new MeasurementContext(
            migration.Metadata.NamespaceProperty,
            migration.Metadata.Name,
            status!.StageName ?? "",
            status.Weight ?? 0,
            status.Phase ?? "");
        return await measurer.MeasureAllAsync(plan.Checks, migration.Metadata.NamespaceProperty, context, cancellationToken).ConfigureAwait(false);
    }

    private static bool StatusChanged(PoolMigrationStatus? before, PoolMigrationStatus after) =>
        before is null || KubernetesJson.Serialize(before) != KubernetesJson.Serialize(after);

    private static TimeSpan Clamp(TimeSpan after) =>
        after < MinimumRequeue ? MinimumRequeue : after > Resync ? Resync : after;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Namespace}/{Name}: status changed under us; deciding again")]
    private static partial void LogConflict(ILogger logger, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Namespace}/{Name}: {From} -> {To}: {Message}")]
    private static partial void LogPhase(ILogger logger, string @namespace, string name, string from, string to, string message);
}
