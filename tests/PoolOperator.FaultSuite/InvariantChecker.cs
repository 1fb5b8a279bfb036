using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.FaultSuite;

/// <summary>
/// Watches the run's PoolMigrations and Deployments for as long as the run lasts and checks every version the
/// apiserver delivers against the invariants (<see cref="Invariants"/>), recording each violation with its object
/// and time. A watch resumes from its last resourceVersion; only when the apiserver no longer has it (410 Gone, after
/// a restart) does it list again, and versions across such a gap are judged by the migration's own history.
/// </summary>
internal sealed class InvariantChecker : IAsyncDisposable
{
    private readonly string ns;
    private readonly IReadOnlyDictionary<string, PoolPlan> pools;
    private readonly IReadOnlyDictionary<string, PoolPlan> poolsByDeployment;
    private readonly int promisedReplicas;
    private readonly TimeProvider time;
    private readonly Stopwatch clock;
    private readonly IResourceSource<PoolMigration> migrations;
    private readonly IResourceSource<V1Deployment> deployments;
    private readonly Lock gate = new();
    private readonly Dictionary<string, MigrationView> views = new(StringComparer.Ordinal);
    private readonly Dictionary<string, V1Deployment> deploymentsByName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> checks = new(StringComparer.Ordinal);
    private readonly List<Violation> violations = [];
    private readonly CancellationTokenSource stop = new();
    private int migrationEpoch;
    private Task running = Task.CompletedTask;

    private InvariantChecker(IKubernetes client, string ns, IReadOnlyList<PoolPlan> plans, int promisedReplicas, TimeProvider time, Stopwatch clock)
    {
        this.ns = ns;
        this.promisedReplicas = promisedReplicas;
        this.time = time;
        this.clock = clock;
        pools = plans.ToDictionary(p => p.Name, StringComparer.Ordinal);
        poolsByDeployment = plans.SelectMany(p => new[] { (p.V1, p), (p.V2, p) }).ToDictionary(x => x.Item1, x => x.p, StringComparer.Ordinal);
        migrations = ResourceSources.CustomResource<PoolMigration>(client, PoolMigration.Group, PoolMigration.Version, PoolMigration.Plural);
        deployments = ResourceSources.Deployments(client);
        foreach (var invariant in Invariants.All)
        {
            checks[invariant] = 0;
        }
    }

    /// <summary>Watch reconnections (a stream that ended or broke) and relists (the apiserver no longer had the version).</summary>
    public int Reconnects { get; private set; }

    public int Relists { get; private set; }

    /// <summary>Watch events judged (PoolMigration and Deployment versions).</summary>
    public long EventsSeen { get; private set; }

    public IReadOnlyDictionary<string, long> Checks => checks;

    public IReadOnlyList<Violation> Violations
    {
        get
        {
            lock (gate)
            {
                return [.. violations];
            }
        }
    }

    public static async Task<InvariantChecker> StartAsync(
        IKubernetes client, string ns, IReadOnlyList<PoolPlan> plans, int promisedReplicas, TimeProvider time, Stopwatch clock, CancellationToken cancellationToken)
    {
        var checker = new InvariantChecker(client, ns, plans, promisedReplicas, time, clock);
        var migrationsListed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var deploymentsListed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        checker.running = Task.WhenAll(
            Task.Run(() => checker.WatchAsync(checker.migrations, checker.OnMigration, checker.OnMigrationRelist, migrationsListed), CancellationToken.None),
            Task.Run(() => checker.WatchAsync(checker.deployments, checker.OnDeployment, () => { }, deploymentsListed), CancellationToken.None));
        await Task.WhenAll(migrationsListed.Task, deploymentsListed.Task).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        return checker;
    }

    /// <summary>The last version of the migration the watch delivered.</summary>
    public PoolMigration? Latest(string name)
    {
        lock (gate)
        {
            return views.TryGetValue(name, out var view) ? view.Last : null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stop.Dispose();
    }

    private static bool IsGone(Exception? e) =>
        e is KubernetesException { Status.Code: 410 } or HttpOperationException { Response.StatusCode: HttpStatusCode.Gone };

    private async Task WatchAsync<T>(IResourceSource<T> source, Action<T> onVersion, Action onRelist, TaskCompletionSource listed)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        string? resourceVersion = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    onRelist();
                    string? continueToken = null;
                    do
                    {
                        var page = await source.ListAsync(ns, continueToken, 500, stop.Token).ConfigureAwait(false);
                        foreach (var item in page.Items)
                        {
                            onVersion(item);
                        }

                        continueToken = page.Continue;
                        resourceVersion = page.ResourceVersion;
                    }
                    while (!string.IsNullOrEmpty(continueToken));

                    listed.TrySetResult();
                }

                Exception? failure = null;
                await foreach (var (type, item) in source.WatchAsync(ns, resourceVersion!, 300, e => failure ??= e, stop.Token).ConfigureAwait(false))
                {
                    resourceVersion = item.Metadata?.ResourceVersion ?? resourceVersion;
                    if (type is WatchEventType.Added or WatchEventType.Modified)
                    {
                        onVersion(item);
                    }
                }

                if (IsGone(failure))
                {
                    resourceVersion = null;
                    Relists++;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (IsGone(e))
            {
                resourceVersion = null;
                Relists++;
            }
            catch (Exception e) when (e is HttpRequestException or HttpOperationException or IOException or KubernetesException or TaskCanceledException)
            {
                // The apiserver is away (the schedule restarts it): try again shortly from where the watch was.
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            Reconnects++;
        }
    }

    private void OnMigrationRelist()
    {
        lock (gate)
        {
            migrationEpoch++;
        }
    }

    private void OnMigration(PoolMigration migration)
    {
        lock (gate)
        {
            EventsSeen++;
            var name = migration.Metadata.Name;
            if (!pools.ContainsKey(name))
            {
                return;
            }

            if (!views.TryGetValue(name, out var view))
            {
                view = new MigrationView();
                views[name] = view;
            }

            var consecutive = view.Last is not null && view.ListEpoch == migrationEpoch;
            if (migration.Status?.Phase is not null)
            {
                CheckStages(name, view.Last?.Status, migration, consecutive);
                CheckRollback(name, view, migration);
            }

            view.Last = migration;
            view.ListEpoch = migrationEpoch;
        }
    }

    private void CheckStages(string name, PoolMigrationStatus? before, PoolMigration migration, bool consecutive)
    {
        Count(Invariants.NoStageSkipped);
        foreach (var problem in MigrationInvariants.StageProblems(before, migration, consecutive))
        {
            Record(Invariants.NoStageSkipped, name, problem);
        }
    }

    private void CheckRollback(string name, MigrationView view, PoolMigration migration)
    {
        var status = migration.Status!;
        if (view.Rollback is not { } mark)
        {
            if (MigrationInvariants.ShowsRollback(status))
            {
                view.Rollback = new RollbackMark(status.Run, status.StageIndex ?? 0);
            }

            return;
        }

        Count(Invariants.RollbackKept);
        if (MigrationInvariants.RollbackLost(mark, status) is { } lost)
        {
            Record(Invariants.RollbackKept, name, lost);
        }

        Count(Invariants.NoForwardAfterRollback);
        if (MigrationInvariants.MovedForward(mark, view.Last?.Status, status) is { } forward)
        {
            Record(Invariants.NoForwardAfterRollback, name, forward);
        }
    }

    private void OnDeployment(V1Deployment deployment)
    {
        lock (gate)
        {
            EventsSeen++;
            deploymentsByName[deployment.Metadata.Name] = deployment;
            if (!poolsByDeployment.TryGetValue(deployment.Metadata.Name, out var pool) || !views.ContainsKey(pool.Name))
            {
                // Capacity is promised from the migration's creation on; before, the pools are still being set up.
                return;
            }

            if (!deploymentsByName.TryGetValue(pool.V1, out var v1) || !deploymentsByName.TryGetValue(pool.V2, out var v2))
            {
                return;
            }

            Count(Invariants.Capacity);
            if (MigrationInvariants.CapacityShort(v1, v2, promisedReplicas) is { } shortfall)
            {
                Record(Invariants.Capacity, pool.Name, $"{shortfall}; migration {Describe(views[pool.Name].Last)}");
            }
        }
    }

    private static string Describe(PoolMigration? migration) => migration?.Status is { } s
        ? $"{s.Phase} stage {s.StageIndex} weight {s.Weight}"
        : "without status";

    private void Count(string invariant) => checks.AddOrUpdate(invariant, 1, (_, n) => n + 1);

    private void Record(string invariant, string name, string detail)
    {
        var violation = new Violation(time.GetUtcNow(), clock.Elapsed, invariant, $"poolmigration {ns}/{name}", detail);
        violations.Add(violation);
        Console.WriteLine($"!! {violation.IntoRun.TotalSeconds,7:F1}s VIOLATION [{invariant}] {violation.Object}: {detail}");
    }
}
