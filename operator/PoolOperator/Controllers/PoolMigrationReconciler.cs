using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using Microsoft.Extensions.Logging;
using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Events;
using PoolOperator.Notifications;
using PoolOperator.Observation;
using PoolOperator.Routing;
using PoolOperator.Routing.Replicas;
using PoolOperator.Runtime.Informers;
using PoolOperator.Telemetry;
using PoolOperator.Validation;

namespace PoolOperator.Controllers;

/// <summary>
/// One reconcile of one PoolMigration: observe (from the caches), ask the decision core, persist the status, then
/// apply what the status implies and record its Events. Writing status first is what makes a crash at any instant
/// safe: the next round re-derives the same desired state from the persisted status. The one exception is the round
/// that completes, which acts first (see <see cref="ReconcileAsync"/>). A round that changes nothing
/// makes no API request: reads come from the informers, and status and objects are written only when they differ.
/// </summary>
internal sealed partial class PoolMigrationReconciler(
    LatestKnown<PoolMigration> migrations,
    ClusterObserver observer,
    PoolServices services,
    MigrationCaches caches,
    MigrationWriter writer,
    MigrationFinalizer finalizer,
    AnalysisDueTimes schedule,
    ReplicaRouter replicas,
    CleanupObserver cleanup,
    CleanupApplier cleaner,
    ICheckMeasurer measurer,
    IMigrationEventSink events,
    Notifier notifier,
    OperatorMetrics metrics,
    TimeProvider time,
    ILogger<PoolMigrationReconciler> logger)
{
    private static readonly TimeSpan CacheWait = TimeSpan.FromMilliseconds(250);

    // Migrations whose next round reads more than their persisted phase needs, because the last decision left that phase.
    private readonly ConcurrentDictionary<NamespacedName, CacheNeeds> widened = new();

    /// <returns>When to reconcile again even if nothing changes; null when only a change should wake it.</returns>
    public async Task<TimeSpan?> ReconcileAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var logScope = logger.BeginScope(new Dictionary<string, object?> { ["migration.namespace"] = @namespace, ["migration.name"] = name });
        using var trace = OperatorTracing.Source.StartActivity("reconcile");
        trace?.SetTag("migration.namespace", @namespace);
        trace?.SetTag("migration.name", name);
        var key = new NamespacedName(@namespace, name);
        var migration = migrations.Get(@namespace, name);
        if (migration is null)
        {
            Forget(key);
            return null;
        }

        if (migration.Metadata.DeletionTimestamp is not null)
        {
            return await FinishDeletionAsync(key, migration, cancellationToken).ConfigureAwait(false);
        }

        if (!MigrationFinalizer.IsOn(migration))
        {
            // Added before anything is touched, so a deletion from now on always gets the chance to restore.
            if (await writer.SetFinalizerAsync(migration, present: true, cancellationToken).ConfigureAwait(false) is not { } withFinalizer)
            {
                return TimeSpan.Zero;
            }

            migration = withFinalizer;
        }

        var needs = CacheNeeds.Of(migration.Status);
        if (widened.TryGetValue(key, out var wider))
        {
            needs = needs.Union(wider);
        }

        if (!caches.Declare(migration, needs))
        {
            return CacheWait;
        }

        var configuredRouters = caches.ConfiguredRouters(migration);
        var (decision, decidedAt, nextAnalysisAt) = await DecideAsync(key, migration, needs, configuredRouters, cancellationToken).ConfigureAwait(false);
        var needed = CacheNeeds.Of(decision.Status);
        if (!needs.Covers(needed))
        {
            // The migration leaves a phase that read less (a retry, a fixed spec): decide again once the caches hold its objects.
            widened[key] = needs.Union(needed);
            caches.Declare(migration, widened[key]);
            return CacheWait;
        }

        if (migration.Status?.Original is null && decision.Status.Original is { } original)
        {
            // Each router snapshots what it will change in the same status write that records the original state,
            // before anything is changed.
            foreach (var router in configuredRouters)
            {
                router.RecordOriginal(migration, original);
            }
        }

        // The round that completes acts before it writes: a Completed migration is never routed again, so a crash between
        // the status write and the routers would leave the flags' phase at Completing for good. Acting first is safe here:
        // V1 is already retired and V2 already serves 100%, and a round that finds the status still Completing decides the
        // same again.
        var actsFirst = migration.Status?.Phase != Phases.Completed && decision.Status.Phase == Phases.Completed;
        if (actsFirst)
        {
            using (OperatorTracing.Source.StartActivity("apply"))
            {
                await ApplyAsync(migration, decision, configuredRouters, cancellationToken).ConfigureAwait(false);
            }
        }

        if (StatusComparison.WorthWriting(migration.Status, decision.Status))
        {
            var before = migration.Status;
            var previousPhase = before?.Phase;
            PoolMigration? written;
            using (OperatorTracing.Source.StartActivity("persist"))
            {
                written = await writer.WriteStatusAsync(migration, decision.Status, cancellationToken).ConfigureAwait(false);
            }

            if (written is null)
            {
                return TimeSpan.Zero;
            }

            migration = written;
            metrics.StatusWritten(before, decision.Status, time.GetUtcNow());
            if (previousPhase != decision.Status.Phase)
            {
                LogPhase(logger, @namespace, name, previousPhase ?? "-", decision.Status.Phase ?? "-", decision.Status.Message ?? "");
            }
        }

        // Only once the status holds what was measured: a round that lost a write conflict measures again.
        if (nextAnalysisAt is { } next)
        {
            schedule.Measured(key, next);
        }

        using (OperatorTracing.Source.StartActivity("apply"))
        {
            if (!actsFirst)
            {
                await ApplyAsync(migration, decision, configuredRouters, cancellationToken).ConfigureAwait(false);
            }

            foreach (var migrationEvent in decision.Events)
            {
                await events.RecordAsync(migration, migrationEvent, cancellationToken).ConfigureAwait(false);
            }
        }

        notifier.Offer(migration, decision.Events);

        widened.TryRemove(key, out _);
        if (!needed.Covers(needs))
        {
            // Finished with the pods (and maybe the routers' objects): the caches drop them.
            caches.Declare(migration, needed);
        }

        metrics.Observe(migration, Stopwatch.GetElapsedTime(started));
        return RoundRequeue.After(decision, decidedAt, time.GetUtcNow());
    }

    /// <returns>The decision, the instant it was decided at, and when the checks are next due if this round measured them.</returns>
    private async Task<(MigrationDecision Decision, DateTimeOffset DecidedAt, DateTimeOffset? NextAnalysisAt)> DecideAsync(
        NamespacedName key, PoolMigration migration, CacheNeeds needs, IReadOnlyList<ITrafficRouter> configuredRouters, CancellationToken cancellationToken)
    {
        ObservedWorld world;
        List<SpecProblem> specErrors;
        using (OperatorTracing.Source.StartActivity("observe"))
        {
            world = observer.Observe(migration);
            specErrors = SpecValidator.Validate(migration.Spec).ToList();
            if (specErrors.Count == 0 && world.V1Deployment is not null && world.V2Deployment is not null)
            {
                specErrors.AddRange(SpecValidator.ValidateAgainstCluster(migration.Spec, world.V1Deployment, world.V2Deployment));
                specErrors.AddRange(AutoscalerValidator.Validate(migration.Spec, world.V1Autoscalers, world.V2Autoscalers, migration.Status?.Original, world.V2Deployment.Spec?.Replicas ?? 1));
            }
        }

        // Before anything is touched, a Secret or key a check names but nobody created is bad input, not a measurement
        // that is inconclusive after V2 was already scaled up. Once the migration runs, the check reports it instead.
        if (specErrors.Count == 0 && migration.Status?.Original is null && migration.Spec.Analysis?.Checks is { Count: > 0 } checks)
        {
            specErrors.AddRange(await measurer.CredentialProblemsAsync([.. checks], migration.Metadata.NamespaceProperty, cancellationToken).ConfigureAwait(false));
        }

        // A router's missing object is found before anything is scaled; a revert goes on without it (there is nothing to put back).
        if (specErrors.Count == 0 && needs.Routers && !Phases.IsIn(Phases.Reverting, migration.Status?.Phase))
        {
            specErrors.AddRange(configuredRouters.SelectMany(router => router.Problems(migration)));
        }

        var routed = needs.Routers ? configuredRouters.SelectMany(router => router.Carried(migration)).ToList() : null;
        var selectingV2 = needs.Pods && world.V2Deployment is { } v2Deployment ? services.SelectingPodsOf(migration, v2Deployment) : null;

        var now = time.GetUtcNow();
        var nextAnalysisAt = schedule.NextAt(key);
        var due = AnalysisSchedule.IsDue(nextAnalysisAt, now);
        IReadOnlyList<Measurement> measurements = [];
        if (specErrors.Count == 0 && due)
        {
            using var measuring = OperatorTracing.Source.StartActivity("measure");
            measurements = await MeasureAsync(migration, world, cancellationToken).ConfigureAwait(false);
            measuring?.SetTag("checks", measurements.Count);
        }

        metrics.Measured(measurements);
        var present = needs.Cleanup ? cleanup.Present(migration) : null;
        var decision = MigrationDecider.Decide(new MigrationInput(migration, world.V1, world.V2, specErrors, measurements, now, nextAnalysisAt, routed, selectingV2, world.Budgets, present));
        return (decision, now, due ? AnalysisSchedule.NextAfter(nextAnalysisAt, now, MigrationPlan.From(migration.Spec)) : null);
    }

    private async Task ApplyAsync(PoolMigration migration, MigrationDecision decision, IReadOnlyList<ITrafficRouter> configuredRouters, CancellationToken cancellationToken)
    {
        foreach (var action in decision.Actions)
        {
            switch (action)
            {
                case ScaleDeployment scale:
                    await replicas.ScaleAsync(migration, scale, cancellationToken).ConfigureAwait(false);
                    break;
                case BoundAutoscaler bound:
                    await replicas.BoundAsync(migration, bound, cancellationToken).ConfigureAwait(false);
                    break;
                case RemoveObject remove:
                    await cleaner.ApplyAsync(migration, remove, cancellationToken).ConfigureAwait(false);
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
    }

    private async Task<IReadOnlyList<Measurement>> MeasureAsync(PoolMigration migration, ObservedWorld world, CancellationToken cancellationToken)
    {
        var status = migration.Status;
        var plan = MigrationPlan.From(migration.Spec);
        if (status?.Phase is not { } phase || !Phases.Analysing.Contains(phase) || plan.Checks.Count == 0 || world.V1 is null || world.V2 is null)
        {
            return [];
        }

        var context = new MeasurementContext(
            migration.Metadata.NamespaceProperty,
            migration.Metadata.Name,
            status.StageName ?? "",
            status.Weight ?? 0,
            phase,
            status.ShadowPercent ?? 0);
        return await measurer.MeasureAllAsync(plan.Checks, migration.Metadata.NamespaceProperty, context, cancellationToken).ConfigureAwait(false);
    }

    private async Task<TimeSpan?> FinishDeletionAsync(NamespacedName key, PoolMigration migration, CancellationToken cancellationToken)
    {
        if (!MigrationFinalizer.IsOn(migration))
        {
            // Not ours to hold (any more): the object goes once other finalizers are done.
            Forget(key);
            return null;
        }

        var after = await finalizer.FinishAsync(migration, cancellationToken).ConfigureAwait(false);
        if (after is null)
        {
            schedule.Forget(key);
        }

        return after;
    }

    private void Forget(NamespacedName key)
    {
        metrics.Forget(key.Namespace ?? "", key.Name);
        notifier.Forget(key.Namespace ?? "", key.Name);
        widened.TryRemove(key, out _);
        caches.Release(key);
        schedule.Forget(key);
        migrations.Forget(key.Namespace!, key.Name);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Namespace}/{Name}: {From} -> {To}: {Message}")]
    private static partial void LogPhase(ILogger logger, string @namespace, string name, string from, string to, string message);
}
