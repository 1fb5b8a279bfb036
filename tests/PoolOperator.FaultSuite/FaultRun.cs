using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.LocalCluster;

namespace PoolOperator.FaultSuite;

/// <summary>
/// One run of the suite: a real control plane, a simulated kubelet, a real Prometheus, two operator replicas as
/// processes, the pools and their migrations, the fault schedule played against them while the invariant checker
/// watches, then the outcomes. Returns the process exit code: 0 only with no violation and every outcome right.
/// </summary>
internal sealed class FaultRun(FaultSuiteOptions options, ILoggerFactory loggers, TimeProvider time)
{
    private const string Namespace = "faults";
    private const double GoodErrorRatio = 0.001;
    private const double BadErrorRatio = 0.5;

    private readonly Stopwatch clock = new();
    private readonly Stopwatch total = Stopwatch.StartNew();
    private readonly List<string> faultErrors = [];
    private int kills;
    private int apiServerRestarts;
    private int prometheusOutages;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var random = new Random(options.Seed);
        Console.WriteLine($"== fault suite ({options.Describe()})");
        Console.WriteLine($"== operator: {options.OperatorPath}");
        Console.WriteLine($"== replay this run with: --seed {options.Seed}{(options.Name == "short" ? " --short" : "")}");
        var plans = options.PoolPlans();
        var work = Directory.CreateTempSubdirectory("pooloperator-faults-").FullName;

        await using var plane = await LocalControlPlane.StartAsync(
            new LocalControlPlaneOptions { KeepWorkingDirectory = options.KeepWorkingDirectory }, loggers.CreateLogger("control-plane"), cancellationToken).ConfigureAwait(false);
        var kubeconfig = Path.Combine(work, "kubeconfig");
        plane.WriteKubeconfig(kubeconfig);
        using var client = new Kubernetes(plane.AdminConfig);
        await InstallCrdsAsync(client, cancellationToken).ConfigureAwait(false);
        await using var kubelet = await SimulatedKubelet.StartAsync(client, logger: loggers.CreateLogger("kubelet"), cancellationToken: cancellationToken).ConfigureAwait(false);
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } }, cancellationToken: cancellationToken).ConfigureAwait(false);

        var errorRatios = new ConcurrentDictionary<string, double>(
            plans.Select(p => KeyValuePair.Create(p.Name, p.Kind == PoolKind.FailingPrometheus ? BadErrorRatio : GoodErrorRatio)), StringComparer.Ordinal);
        await using var endpoints = await AnalysisEndpoints.StartAsync(errorRatios, cancellationToken).ConfigureAwait(false);
        await using var prometheus = new PrometheusServer(Path.Combine(work, "prometheus"), endpoints.Address, FreeLoopbackPort());
        await prometheus.StartAsync(cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"   control plane {plane.ApiServerUri}, Prometheus {prometheus.Address}, checks' endpoints {endpoints.Address}; files in {work}");

        await CreatePoolsAsync(client, plans, cancellationToken).ConfigureAwait(false);
        await using var checker = await InvariantChecker.StartAsync(client, Namespace, plans, MigrationFactory.Replicas, time, clock, cancellationToken).ConfigureAwait(false);
        await using var lease = LeaseWatcher.Start(client, Namespace, time, clock);
        await using var a = new OperatorReplica("replica-a", options.OperatorPath, kubeconfig, Namespace, work);
        await using var b = new OperatorReplica("replica-b", options.OperatorPath, kubeconfig, Namespace, work);
        await a.StartAsync(cancellationToken).ConfigureAwait(false);
        await WaitAsync(() => lease.Holder == a.Identity, TimeSpan.FromSeconds(90), "replica-a to take the Lease", cancellationToken).ConfigureAwait(false);
        await b.StartAsync(cancellationToken).ConfigureAwait(false);
        var replicas = new[] { a, b };

        var writer = new ConflictingWriter(client, Namespace, checker, plans);
        var schedule = Schedule(random, plans, client, plane, prometheus, endpoints.HangingWebhook, lease, replicas, writer);
        Console.WriteLine($"== schedule ({schedule.Count} entries):");
        foreach (var fault in schedule.Where(f => !f.What.StartsWith("create", StringComparison.Ordinal)))
        {
            Console.WriteLine($"   {fault.At.TotalSeconds,7:F1}s {fault.What}");
        }

        clock.Start();
        using var stopDegrading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var degrading = DegradeAtHalfAsync(checker, plans, errorRatios, stopDegrading.Token);
        var running = new List<Task>();
        foreach (var fault in schedule)
        {
            var wait = fault.At - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }

            running.Add(PlayAsync(fault, cancellationToken));
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        Console.WriteLine($"== faults done at {clock.Elapsed.TotalSeconds:F1}s; waiting up to {options.SettleDeadline.TotalMinutes:0} min for every migration's outcome");

        // Whatever the schedule left behind is running again: both replicas, the apiserver, Prometheus.
        foreach (var replica in replicas.Where(r => !r.IsRunning))
        {
            await replica.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        var outcomes = await SettleAsync(client, plans, cancellationToken).ConfigureAwait(false);
        await stopDegrading.CancelAsync().ConfigureAwait(false);
        await degrading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var report = new FaultReport(options, outcomes, checker, lease.Failovers.Count, kills, apiServerRestarts, prometheusOutages, writer.Writes,
            endpoints.HangingRequests, faultErrors, clock.Elapsed, total.Elapsed);
        report.Print();
        if (options.KeepWorkingDirectory)
        {
            Console.WriteLine($"   kept: {work} (operator logs) and {plane.WorkingDirectory} (control plane)");
        }
        else
        {
            TryDelete(work);
        }

        return report.Passed ? 0 : 1;
    }

    private List<ScheduledFault> Schedule(
        Random random, IReadOnlyList<PoolPlan> plans, Kubernetes client, LocalControlPlane plane, PrometheusServer prometheus, Uri webhook,
        LeaseWatcher lease, OperatorReplica[] replicas, ConflictingWriter writer)
    {
        var window = options.FaultWindow;
        var faults = new List<ScheduledFault>();
        for (var i = 0; i < plans.Count; i++)
        {
            var pool = plans[i];
            faults.Add(new ScheduledFault(options.CreationSpread * i / plans.Count, $"create {pool.Name}", ct => CreateMigrationAsync(client, pool, prometheus, webhook, ct)));
        }

        // Kills: one in each equal slice of the window (after the first tenth), at a random point of the slice's first
        // two thirds; the victim is the leader seven times in ten and is down 1 to 6 s. The first kill takes the
        // leader down for longer than its 4 s lease, so every run fails over at least once.
        var start = window * 0.1;
        var slice = (window - start) / options.Kills;
        for (var i = 0; i < options.Kills; i++)
        {
            var at = start + (slice * i) + (slice * (random.NextDouble() * 2 / 3));
            var leader = i == 0 || random.NextDouble() < 0.7;
            var downFor = TimeSpan.FromSeconds(i == 0 ? 6 + random.NextDouble() : 1 + (random.NextDouble() * 5));
            faults.Add(new ScheduledFault(at, $"SIGKILL the {(leader ? "leader" : "standby")}, start it again {downFor.TotalSeconds:F1} s later",
                ct => KillAsync(replicas, lease, leader, downFor, ct)));
        }

        for (var i = 0; i < options.ApiServerRestarts; i++)
        {
            var at = window * ((i + 1.0) / (options.ApiServerRestarts + 1)) + TimeSpan.FromSeconds(random.NextDouble() * 5);
            faults.Add(new ScheduledFault(at, $"kill the apiserver, start it again {options.ApiServerDowntime.TotalSeconds:0} s later",
                ct => RestartApiServerAsync(plane, ct)));
        }

        var outage = window * 0.3 + TimeSpan.FromSeconds(random.NextDouble() * 5);
        faults.Add(new ScheduledFault(outage, $"kill Prometheus, start it again {options.PrometheusOutage.TotalSeconds:0} s later",
            ct => PrometheusOutageAsync(prometheus, ct)));

        for (var at = options.ConflictingWriteInterval; at < window; at += options.ConflictingWriteInterval)
        {
            var seed = random.Next();
            faults.Add(new ScheduledFault(at + TimeSpan.FromSeconds(random.NextDouble()), "conflicting write of spec.replicas",
                ct => ConflictingWriteAsync(writer, new Random(seed), ct)));
        }

        return [.. faults.OrderBy(f => f.At)];
    }

    private async Task PlayAsync(ScheduledFault fault, CancellationToken cancellationToken)
    {
        try
        {
            await fault.Act(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = $"{fault.At.TotalSeconds:F1}s {fault.What}: {e.GetType().Name}: {e.Message}";
            lock (faultErrors)
            {
                faultErrors.Add(error);
            }

            Console.WriteLine($"   fault step failed: {error}");
        }
    }

    /// <summary>Turns a degrading pool's error ratio bad once the checker has seen its migration enter the 50% stage.</summary>
    private async Task DegradeAtHalfAsync(InvariantChecker checker, IReadOnlyList<PoolPlan> plans, ConcurrentDictionary<string, double> errorRatios, CancellationToken cancellationToken)
    {
        var waiting = plans.Where(p => p.Kind == PoolKind.DegradingPrometheus).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        while (waiting.Count > 0 && !cancellationToken.IsCancellationRequested)
        {
            foreach (var name in waiting.ToList())
            {
                if (checker.Latest(name)?.Status is { StageIndex: >= 1, Weight: >= 50 })
                {
                    errorRatios[name] = BadErrorRatio;
                    waiting.Remove(name);
                    Log($"{name} reached 50%: its V2 error ratio turns bad");
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task CreateMigrationAsync(Kubernetes client, PoolPlan pool, PrometheusServer prometheus, Uri webhook, CancellationToken cancellationToken)
    {
        var migration = MigrationFactory.Migration(Namespace, pool, options, prometheus.Address, webhook);
        await RetryWhileApiServerAwayAsync(
            () => client.CustomObjects.CreateNamespacedCustomObjectAsync(migration, PoolMigration.Group, PoolMigration.Version, Namespace, PoolMigration.Plural, cancellationToken: cancellationToken),
            cancellationToken).ConfigureAwait(false);
        Log($"created {pool.Name} ({FaultSuiteOptions.Slug(pool.Kind)}, expected {pool.ExpectedPhase})");
    }

    private async Task KillAsync(OperatorReplica[] replicas, LeaseWatcher lease, bool leader, TimeSpan downFor, CancellationToken cancellationToken)
    {
        var holder = lease.Holder;
        var victim = replicas.FirstOrDefault(r => (r.Identity == holder) == leader && r.IsRunning) ?? replicas.First(r => r.IsRunning);
        await victim.KillAsync().ConfigureAwait(false);
        Interlocked.Increment(ref kills);
        Log($"SIGKILL {victim.Identity} ({(victim.Identity == holder ? "leader" : "standby")}, kill {Volatile.Read(ref kills)})");
        await Task.Delay(downFor, time, cancellationToken).ConfigureAwait(false);
        await victim.StartAsync(cancellationToken).ConfigureAwait(false);
        Log($"started {victim.Identity} again");
    }

    private async Task RestartApiServerAsync(LocalControlPlane plane, CancellationToken cancellationToken)
    {
        await plane.StopApiServerAsync().ConfigureAwait(false);
        Log("apiserver killed");
        await Task.Delay(options.ApiServerDowntime, time, cancellationToken).ConfigureAwait(false);
        await plane.StartApiServerAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref apiServerRestarts);
        Log("apiserver ready again");
    }

    private async Task PrometheusOutageAsync(PrometheusServer prometheus, CancellationToken cancellationToken)
    {
        await prometheus.StopAsync().ConfigureAwait(false);
        Log("Prometheus killed");
        await Task.Delay(options.PrometheusOutage, time, cancellationToken).ConfigureAwait(false);
        await prometheus.StartAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref prometheusOutages);
        Log("Prometheus ready again");
    }

    private async Task ConflictingWriteAsync(ConflictingWriter writer, Random random, CancellationToken cancellationToken)
    {
        try
        {
            var what = await writer.WriteOnceAsync(random, cancellationToken).ConfigureAwait(false);
            Log(what is null ? "conflicting write: no migration in its first two stages" : $"conflicting write: {what}");
        }
        catch (Exception e) when (e is HttpRequestException or HttpOperationException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The apiserver was away at that moment: that write did not happen and is not counted.
            Log($"conflicting write not made: {e.GetType().Name}");
        }
    }

    private async Task CreatePoolsAsync(Kubernetes client, IReadOnlyList<PoolPlan> plans, CancellationToken cancellationToken)
    {
        foreach (var pool in plans)
        {
            await client.AppsV1.CreateNamespacedDeploymentAsync(MigrationFactory.Deployment(Namespace, pool, v2: false), Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            await client.AppsV1.CreateNamespacedDeploymentAsync(MigrationFactory.Deployment(Namespace, pool, v2: true), Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await WaitAsync(
            async () =>
            {
                var list = await client.AppsV1.ListNamespacedDeploymentAsync(Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                return list.Items.Count(d => d.Name().EndsWith("-v1", StringComparison.Ordinal) && d.Status?.ReadyReplicas == MigrationFactory.Replicas) == plans.Count;
            },
            TimeSpan.FromMinutes(3), "every V1 pool to be ready", cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"   {plans.Count} pools of {MigrationFactory.Replicas} ready V1 pods each");
    }

    private async Task<IReadOnlyList<PoolOutcome>> SettleAsync(Kubernetes client, IReadOnlyList<PoolPlan> plans, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var outcomes = new List<PoolOutcome>();
            foreach (var pool in plans)
            {
                outcomes.Add(await OutcomeAsync(client, pool, cancellationToken).ConfigureAwait(false));
            }

            if (outcomes.All(o => o.Final) || deadline.Elapsed > options.SettleDeadline)
            {
                return outcomes;
            }

            await Task.Delay(TimeSpan.FromSeconds(2), time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<PoolOutcome> OutcomeAsync(Kubernetes client, PoolPlan pool, CancellationToken cancellationToken)
    {
        var migration = await client.CustomObjects.GetNamespacedCustomObjectAsync<PoolMigration>(
            PoolMigration.Group, PoolMigration.Version, Namespace, PoolMigration.Plural, pool.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        var v1 = (await client.AppsV1.ReadNamespacedDeploymentAsync(pool.V1, Namespace, cancellationToken: cancellationToken).ConfigureAwait(false)).Spec.Replicas ?? 1;
        var v2 = (await client.AppsV1.ReadNamespacedDeploymentAsync(pool.V2, Namespace, cancellationToken: cancellationToken).ConfigureAwait(false)).Spec.Replicas ?? 1;
        var status = migration.Status;
        var phase = status?.Phase ?? "(none)";
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"{phase} stage {status?.StageIndex} weight {status?.Weight}, V1 {v1} V2 {v2} replicas; {status?.Pause?.Reason ?? status?.Rollback?.Trigger ?? ""} {status?.Message}");
        return phase switch
        {
            // Terminal: right when it is the expected phase and the replicas are where that phase leaves them.
            "Completed" => new PoolOutcome(pool, phase, pool.ExpectedPhase == phase && v1 == 0 && v2 == MigrationFactory.Replicas, v1 == 0, detail),
            "RolledBack" => new PoolOutcome(pool, phase, pool.ExpectedPhase == phase && v1 == (status?.Original?.V1.Replicas ?? MigrationFactory.Replicas) && v2 == 0, v2 == 0, detail),
            // A hanging check pauses the migration for good: it must hold at the first stage, paused as inconclusive,
            // and a paused migration still owns its replicas: once 25% of the traffic is on V2 the pools stand at the
            // stage's 3 + 1 whatever the conflicting writer set; before, neither pool shrinks below them.
            "Paused" when pool.Kind == PoolKind.HangingWebhook && status?.Pause?.Reason == "Inconclusive" => status.Weight switch
            {
                25 => new PoolOutcome(pool, phase, true, v1 == 3 && v2 == 1, detail),
                0 or null => new PoolOutcome(pool, phase, v1 >= 3 && v2 >= 1, true, detail),
                _ => new PoolOutcome(pool, phase, false, true, detail),
            },
            _ => new PoolOutcome(pool, phase, false, false, detail),
        };
    }

    private static async Task InstallCrdsAsync(Kubernetes client, CancellationToken cancellationToken)
    {
        foreach (var file in Directory.EnumerateFiles(CrdDirectory(), "*.yaml").Order(StringComparer.Ordinal))
        {
            var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false));
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: cancellationToken).ConfigureAwait(false);
            await WaitAsync(
                async () => (await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Name(), cancellationToken: cancellationToken).ConfigureAwait(false))
                    .Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true,
                TimeSpan.FromSeconds(60), $"CRD {crd.Name()} established", cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RetryWhileApiServerAwayAsync(Func<Task> call, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await call().ConfigureAwait(false);
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // An earlier attempt went through before its answer was lost.
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested
                                      && deadline.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken) =>
        WaitAsync(() => Task.FromResult(condition()), timeout, what, cancellationToken);

    /// <summary>The repository's crds/ directory, found above this program's build output.</summary>
    private static string CrdDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PoolOperator.sln")))
            {
                return Path.Combine(directory.FullName, "crds");
            }
        }

        throw new InvalidOperationException($"PoolOperator.sln not found above {AppContext.BaseDirectory}");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless.
        }
    }

    private void Log(string line) => Console.WriteLine($"   {clock.Elapsed.TotalSeconds,7:F1}s {line}");
}
