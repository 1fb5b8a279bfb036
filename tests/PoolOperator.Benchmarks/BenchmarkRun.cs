using System.Diagnostics;
using k8s;
using Microsoft.Extensions.Logging;
using PoolOperator.Benchmarks.Audit;
using PoolOperator.Benchmarks.Cluster;
using PoolOperator.Benchmarks.Measurement;
using PoolOperator.Benchmarks.OperatorUnderTest;
using PoolOperator.Benchmarks.Report;
using PoolOperator.LocalCluster;
using PoolOperator.Tests.Shared;

namespace PoolOperator.Benchmarks;

/// <summary>
/// Runs the selected scenarios in one control plane, in an order that lets them share work: the idle set is created
/// before the operator starts (restart convergence), waits at its gate (idle cost, memory), gets approved (stage
/// transition); then a second set with webhook checks is created with the operator running (new-migration
/// convergence, analysis interval).
/// </summary>
internal sealed class BenchmarkRun(BenchmarkOptions options, string repositoryRoot, string operatorAssembly, TimeProvider time, ILoggerFactory loggers)
{
    private const string AuditedUser = "operator";
    private const string IdleNamespace = "bench-idle";
    private const string NewNamespace = "bench-new";
    private const string UnrelatedNamespace = "bench-unrelated";
    private const string FloorNamespace = "bench-floor";
    private const string PeerNamespace = "bench-peer";
    private const string HostileNamespace = "bench-hostile";

    /// <summary>The name of the one check of each hostile migration.</summary>
    private const string HostileCheck = "errors";

    /// <summary>
    /// Where the control plane's directory goes: apart from other local control planes, whose start-up removes
    /// directories of processes that have exited, so <c>--keep</c> keeps it until the next benchmark run.
    /// </summary>
    private static readonly string WorkingParent = Path.Combine(Path.GetTempPath(), "pooloperator-benchmarks");

    private readonly ILogger logger = loggers.CreateLogger("benchmark");
    private readonly Stopwatch clock = Stopwatch.StartNew();

    public RunResult Result { get; } = new() { Label = options.Label, Migrations = options.Migrations };

    private int N => options.Migrations;

    /// <summary>Generous limits for waits that grow with the number of migrations; they only catch a stuck run.</summary>
    private TimeSpan ScaledTimeout => TimeSpan.FromSeconds(120 + (N * 1.5));

    public async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var needsIdleSet = options.Runs("idle") || options.Runs("latency") || options.Runs("restart") || options.Runs("transition") || options.Runs("convergence") || options.Runs("memory");
        var needsNewSet = options.Runs("convergence") || options.Runs("analysis") || options.Runs("hostile") || options.Runs("breach");

        Say("locating the control-plane binaries");
        var binaries = await ControlPlaneBinaries.LocateAsync(logger, cancellationToken).ConfigureAwait(false);
        Say($"starting etcd, kube-apiserver and kube-controller-manager from {binaries.Directory}");
        await using var plane = await LocalControlPlane.StartAsync(
            new LocalControlPlaneOptions
            {
                Binaries = binaries,
                AuditedUser = AuditedUser,
                MaxRequestsInflight = 2000,
                Controllers = ["garbagecollector", "namespace", "serviceaccount", "serviceaccount-token"],
                KeepWorkingDirectory = options.Keep,
                WorkingDirectory = WorkingParent,
            },
            logger,
            cancellationToken).ConfigureAwait(false);
        Say($"control plane ready at {plane.ApiServerUri} (files in {plane.WorkingDirectory}{(options.Keep ? ", kept" : "")})");
        var operatorKubeconfig = Path.Combine(plane.WorkingDirectory, "operator.kubeconfig");
        plane.WriteAuditedUserKubeconfig(operatorKubeconfig);
        var audit = new AuditLog(plane.AuditLogPath!, AuditedUser, time);

        using var client = new Kubernetes(plane.AdminConfig);
        var cluster = new BenchCluster(client, time);
        await cluster.InstallCrdsAsync(Path.Combine(repositoryRoot, "crds"), cancellationToken).ConfigureAwait(false);
        await using var standIn = await DeploymentStatusStandIn.StartAsync(client, time, logger, PeerNamespace, cancellationToken).ConfigureAwait(false);
        await using var tracker = await MigrationTracker.StartAsync(client, time, logger, cancellationToken).ConfigureAwait(false);

        if (options.Runs("floor"))
        {
            await MeasureFloorAsync(cluster, cancellationToken).ConfigureAwait(false);
        }

        if (options.Runs("peer"))
        {
            await MeasurePeerAsync(cluster, plane, binaries, cancellationToken).ConfigureAwait(false);
        }

        OperatorProcess? operatorProcess = null;
        try
        {
            if (needsIdleSet)
            {
                var names = BenchCluster.Names("pool", N);
                Say($"creating {N} pools and {N} gated migrations in {IdleNamespace} while no operator runs");
                await cluster.CreatePoolsAsync(IdleNamespace, names, cancellationToken).ConfigureAwait(false);
                await cluster.CreateMigrationsAsync(IdleNamespace, names, n => BenchCluster.GatedMigration(IdleNamespace, n, "10s", webhook: null), cancellationToken).ConfigureAwait(false);

                operatorProcess = await StartOperatorAsync(operatorKubeconfig, plane.WorkingDirectory, names, tracker, cancellationToken).ConfigureAwait(false);
                Say($"waiting {options.Settle.TotalSeconds:0} s for the operator to settle");
                await Task.Delay(options.Settle, time, cancellationToken).ConfigureAwait(false);

                if (options.Runs("memory"))
                {
                    var (rss, peak) = await SampleMemoryAsync(operatorProcess, cancellationToken).ConfigureAwait(false);
                    Put(Figures.Rss, rss);
                    Put(Figures.RssPeak, peak);
                }

                if (options.Runs("idle"))
                {
                    await MeasureIdleAsync(operatorProcess, tracker, audit, cancellationToken).ConfigureAwait(false);
                }

                if (options.Runs("latency"))
                {
                    await MeasureStatusLatencyAsync(operatorProcess, cluster, tracker, audit, names, cancellationToken).ConfigureAwait(false);
                }

                if (options.Runs("memory") && options.UnrelatedPods > 0)
                {
                    await MeasureUnrelatedPodsAsync(operatorProcess, cluster, cancellationToken).ConfigureAwait(false);
                }

                if (options.Runs("restart"))
                {
                    operatorProcess = await MeasureRestartAsync(operatorProcess, operatorKubeconfig, plane.WorkingDirectory, audit, names, cancellationToken).ConfigureAwait(false);
                }

                if (options.Runs("transition"))
                {
                    await MeasureTransitionAsync(operatorProcess, cluster, tracker, audit, names, cancellationToken).ConfigureAwait(false);
                }
            }

            if (needsNewSet)
            {
                await using var webhook = await WebhookRecorder.StartAsync(time, cancellationToken).ConfigureAwait(false);
                var names = BenchCluster.Names("svc", N);
                Say($"creating {N} pools in {NewNamespace}");
                await cluster.CreatePoolsAsync(NewNamespace, names, cancellationToken).ConfigureAwait(false);
                operatorProcess ??= await StartOperatorAsync(operatorKubeconfig, plane.WorkingDirectory, null, tracker, cancellationToken).ConfigureAwait(false);
                await MeasureNewMigrationsAsync(operatorProcess, cluster, tracker, audit, webhook, names, cancellationToken).ConfigureAwait(false);
                if (options.Runs("analysis"))
                {
                    await MeasureAnalysisIntervalAsync(webhook, names, cancellationToken).ConfigureAwait(false);
                }

                if (options.Runs("hostile"))
                {
                    await MeasureHostilePaceAsync(operatorProcess, cluster, tracker, webhook, names, cancellationToken).ConfigureAwait(false);
                }

                if (options.Runs("breach"))
                {
                    await MeasureBreachAsync(operatorProcess, tracker, standIn, audit, webhook, names, cancellationToken).ConfigureAwait(false);
                }
            }

            if (operatorProcess is { HasExited: true })
            {
                throw new InvalidOperationException($"the operator exited during the run; see {operatorProcess.LogPath}");
            }
        }
        finally
        {
            if (operatorProcess is not null)
            {
                await operatorProcess.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task MeasureFloorAsync(BenchCluster cluster, CancellationToken cancellationToken)
    {
        Say("measuring the apiserver floor (PATCH round trip, write → watch event)");
        await cluster.CreateNamespaceAsync(FloorNamespace, cancellationToken).ConfigureAwait(false);
        var patches = await ApiServerFloor.PatchRoundTripsAsync(cluster.Client, FloorNamespace, options.FloorSamples, cancellationToken).ConfigureAwait(false);
        var deliveries = await ApiServerFloor.WatchDeliveriesAsync(cluster.Client, FloorNamespace, options.FloorSamples / 2, cancellationToken).ConfigureAwait(false);
        Put(Figures.PatchP50, Percentiles.Of(patches, 50));
        Put(Figures.PatchP99, Percentiles.Of(patches, 99));
        Put(Figures.WatchP50, Percentiles.Of(deliveries, 50));
        Put(Figures.WatchP99, Percentiles.Of(deliveries, 99));
    }

    /// <summary>
    /// Runs the real deployment controller in a second kube-controller-manager, on the same apiserver, before any pool
    /// exists (it would act on every Deployment of the cluster): Deployments of its own namespace are changed one at a
    /// time and each change is timed until a watch sees the ReplicaSet write it causes. Stopped again afterwards.
    /// </summary>
    private async Task MeasurePeerAsync(BenchCluster cluster, LocalControlPlane plane, ControlPlaneBinaries binaries, CancellationToken cancellationToken)
    {
        var objects = options.LatencyObjects;
        Say($"peer: the deployment controller, {options.LatencySamples} sequential spec changes over {objects} Deployments in {PeerNamespace}");
        await cluster.CreateNamespaceAsync(PeerNamespace, cancellationToken).ConfigureAwait(false);
        await DeploymentControllerPeer.CreateDeploymentsAsync(cluster.Client, PeerNamespace, objects, cancellationToken).ConfigureAwait(false);
        var kubeconfig = Path.Combine(plane.WorkingDirectory, "peer-controller-manager.kubeconfig");
        plane.WriteKubeconfig(kubeconfig);
        var peer = PeerControllerManager.Start(binaries.KubeControllerManager, kubeconfig, Path.Combine(plane.WorkingDirectory, "peer-controller-manager.log"));
        await using (peer.ConfigureAwait(false))
        {
            await DeploymentControllerPeer.WaitForReplicaSetsAsync(cluster.Client, PeerNamespace, objects, time, () => peer.HasExited, cancellationToken).ConfigureAwait(false);
            var samples = await DeploymentControllerPeer.SpecToReplicaSetWriteAsync(cluster.Client, PeerNamespace, objects, options.LatencySamples, cancellationToken).ConfigureAwait(false);
            Put(Figures.PeerP50, Percentiles.Of(samples, 50));
            Put(Figures.PeerP99, Percentiles.Of(samples, 99));
            PutRatio(Figures.PeerFloorRatio, Figures.PeerP99, Figures.WatchP99);
        }

        await cluster.DeleteNamespaceAsync(PeerNamespace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// With the idle set at its gate, pauses and resumes migrations one at a time as a person would
    /// (<c>pooloperator.io/paused=true</c>, then removing it), each change timed from sending it until the watch on the
    /// migrations sees the status show it (phase Paused, then AwaitingApproval again).
    /// </summary>
    private async Task MeasureStatusLatencyAsync(
        OperatorProcess operatorProcess, BenchCluster cluster, MigrationTracker tracker, AuditLog audit, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var objects = options.LatencyObjects;
        Say($"latency: {options.LatencySamples} sequential pause/resume changes over {objects} migrations, each until a watch sees the status");
        var samples = new List<double>(options.LatencySamples);
        var reconcilesBefore = await operatorProcess.ReconcileCountAsync(cancellationToken).ConfigureAwait(false);
        var from = time.GetUtcNow();
        // Changes 0 and 1 (one pause and its resume) only prove the path works end to end; they are not counted.
        const int warmUp = 2;
        for (var i = 0; i < options.LatencySamples + warmUp; i++)
        {
            var name = names[(i / 2) % objects];
            var pause = i % 2 == 0;
            var shown = tracker.WhenAsync(IdleNamespace, name, pause ? s => s.Phase == "Paused" : s => s.Phase == "AwaitingApproval");
            var sentAt = time.GetUtcNow();
            await cluster.SetPausedAnnotationAsync(IdleNamespace, name, pause, cancellationToken).ConfigureAwait(false);
            var seenAt = await shown.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            if (i >= warmUp)
            {
                samples.Add((seenAt - sentAt).TotalMilliseconds);
            }
        }

        var to = time.GetUtcNow();
        var reconcilesAfter = await operatorProcess.ReconcileCountAsync(cancellationToken).ConfigureAwait(false);
        var events = await audit.BetweenAsync(from, to, cancellationToken).ConfigureAwait(false);
        var changes = options.LatencySamples + warmUp;
        Put(Figures.LatencyP50, Percentiles.Of(samples, 50));
        Put(Figures.LatencyP99, Percentiles.Of(samples, 99));
        PutRatio(Figures.LatencyFloorRatio, Figures.LatencyP99, Figures.WatchP99);
        PutRatio(Figures.LatencyPeerRatioP50, Figures.LatencyP50, Figures.PeerP50);
        PutRatio(Figures.LatencyPeerRatioP99, Figures.LatencyP99, Figures.PeerP99);
        Put(Figures.LatencyRequestsPerChange, events.Count / (double)changes);
        Put(Figures.LatencyWritesPerChange, events.Count(e => e.IsWrite) / (double)changes);
        Result.Breakdowns["latency"] = Breakdown(events, 1.0 / changes);
        PutReconcileRates("latency", Figures.LatencyReconcilesPerSecond, Figures.LatencyRequestsPerReconcile, reconcilesBefore, reconcilesAfter, to - from, events);
        Say($"latency: p50 {Percentiles.Of(samples, 50):0.0} ms, p99 {Percentiles.Of(samples, 99):0.0} ms");
    }

    /// <summary>
    /// The new set waits at its gate (5% on V2) with a passing webhook check; the check server then answers 500 to
    /// every call. Each migration is timed from that moment until a watch sees it RollingBack and RolledBack, and until
    /// its V2 Deployment is back at its original replicas (0).
    /// </summary>
    private async Task MeasureBreachAsync(
        OperatorProcess operatorProcess,
        MigrationTracker tracker,
        DeploymentStatusStandIn standIn,
        AuditLog audit,
        WebhookRecorder webhook,
        IReadOnlyList<string> names,
        CancellationToken cancellationToken)
    {
        Say($"breach: the webhook check of {N} migrations starts failing; waiting until all are RolledBack (target {Figures.BreachTargetSeconds} s)");
        var v2Before = names.Count(n => standIn.Replicas(NewNamespace, n + "-v2") is { Replicas: > 0 });
        var reconcilesBefore = await operatorProcess.ReconcileCountAsync(cancellationToken).ConfigureAwait(false);
        var from = time.GetUtcNow();
        webhook.StartFailing();
        await tracker.WaitForAllAsync(NewNamespace, names, s => s.PhaseFirstSeen.ContainsKey("RolledBack"), ScaledTimeout, "are RolledBack", cancellationToken).ConfigureAwait(false);
        var allRolledBack = time.GetUtcNow();
        var reconcilesAfter = await operatorProcess.ReconcileCountAsync(cancellationToken).ConfigureAwait(false);
        var started = time.GetTimestamp();
        while (names.Any(n => standIn.Replicas(NewNamespace, n + "-v2") is not { Replicas: 0 }) && time.GetElapsedTime(started) < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
        }

        var events = await audit.BetweenAsync(from, allRolledBack, cancellationToken).ConfigureAwait(false);
        double Since(DateTimeOffset at) => (at - from).TotalSeconds;
        var rolledBack = names.Select(n => Since(tracker.Read(NewNamespace, n, s => s.PhaseFirstSeen["RolledBack"]))).ToList();
        var triggered = names
            .Select(n => tracker.Read(NewNamespace, n, s => s.PhaseFirstSeen.TryGetValue("RollingBack", out var at) ? at : (DateTimeOffset?)null))
            .OfType<DateTimeOffset>().Select(Since).ToList();
        var v2Reverted = names
            .Select(n => standIn.Replicas(NewNamespace, n + "-v2"))
            .Where(r => r is { Replicas: 0 } seen && seen.Since >= from)
            .Select(r => Since(r!.Value.Since)).ToList();
        // The call that completes the streak, and how long the operator took from it to a status saying it fired.
        var calls = webhook.Calls();
        var limitCalls = new List<double>();
        var callToTrigger = new List<double>();
        var firstCalls = new List<double>();
        var gaps = new List<double>();
        foreach (var name in names)
        {
            var failing = calls.TryGetValue($"{NewNamespace}/{name}", out var all) ? all.Where(c => c >= from).ToList() : [];
            if (failing.Count > 0)
            {
                firstCalls.Add(Since(failing[0]));
            }

            gaps.AddRange(failing.Take(Figures.FailureLimit).Zip(failing.Skip(1).Take(Figures.FailureLimit - 1), (a, b) => (b - a).TotalSeconds));
            if (failing.Count < Figures.FailureLimit)
            {
                continue;
            }

            limitCalls.Add(Since(failing[Figures.FailureLimit - 1]));
            if (tracker.Read(NewNamespace, name, s => s.PhaseFirstSeen.TryGetValue("RollingBack", out var at) ? at : (DateTimeOffset?)null) is { } trigger)
            {
                callToTrigger.Add((trigger - failing[Figures.FailureLimit - 1]).TotalSeconds);
            }
        }

        Put(Figures.BreachLimitCallP50, Percentiles.Of(limitCalls, 50));
        Put(Figures.BreachLimitCallMax, limitCalls.Count > 0 ? limitCalls.Max() : null);
        Put(Figures.BreachCallToTriggerP50, Percentiles.Of(callToTrigger, 50));
        Put(Figures.BreachCallToTriggerMax, callToTrigger.Count > 0 ? callToTrigger.Max() : null);
        Put(Figures.BreachLimit, Figures.BreachTargetSeconds);
        Put(Figures.BreachTriggerP50, Percentiles.Of(triggered, 50));
        Put(Figures.BreachTriggerMax, triggered.Count > 0 ? triggered.Max() : null);
        Put(Figures.BreachV2P50, Percentiles.Of(v2Reverted, 50));
        Put(Figures.BreachV2Max, v2Reverted.Count > 0 ? v2Reverted.Max() : null);
        Put(Figures.BreachRolledBackP50, Percentiles.Of(rolledBack, 50));
        Put(Figures.BreachRolledBackP99, Percentiles.Of(rolledBack, 99));
        Put(Figures.BreachRolledBackMax, rolledBack.Max());
        Put(Figures.BreachWrites, events.Count(e => e.IsWrite) / (double)N);
        Result.Breakdowns["breach"] = Breakdown(events.Where(e => e.IsWrite), 1.0 / N);
        PutReconcileRates("breach", Figures.BreachReconcilesPerSecond, Figures.BreachRequestsPerReconcile, reconcilesBefore, reconcilesAfter, allRolledBack - from, events);
        // The schedule split further: how late the first failing call came, and how far apart the streak's calls were.
        if (firstCalls.Count > 0 && gaps.Count > 0)
        {
            Result.Notes.Add(
                $"Breach: the first failing call came {Percentiles.Of(firstCalls, 50):0.0} s (p50) and {firstCalls.Max():0.0} s (max) after the check started failing; "
                + $"consecutive failing calls of one migration were {Percentiles.Of(gaps, 50):0.0} s (p50), {Percentiles.Of(gaps, 99):0.0} s (p99) and {gaps.Max():0.0} s (max) apart.");
            Say(Result.Notes[^1]);
        }

        if (v2Reverted.Count < v2Before)
        {
            Result.Notes.Add($"Breach: {v2Before} V2 Deployments had replicas when the check started failing, {v2Reverted.Count} were seen back at 0.");
        }

        Say($"breach: all {N} RolledBack {rolledBack.Max():0.0} s after the check started failing (p50 {Percentiles.Of(rolledBack, 50):0.0} s)");
    }

    /// <summary>
    /// Reconciles per second over <paramref name="window"/> from the operator's /metrics, API requests per reconcile,
    /// and per reconcile by verb.
    /// </summary>
    private void PutReconcileRates(
        string section, string perSecond, string requestsPerReconcile, double? before, double? after, TimeSpan window, IReadOnlyCollection<AuditEvent> events)
    {
        if (before is not { } b || after is not { } a || a <= b)
        {
            return;
        }

        var reconciles = a - b;
        Put(perSecond, reconciles / window.TotalSeconds);
        Put(requestsPerReconcile, events.Count / reconciles);
        Result.Breakdowns[section + ".perReconcile"] = new SortedDictionary<string, double>(
            events.GroupBy(e => e.Verb).ToDictionary(g => g.Key, g => Math.Round(g.Count() / reconciles, 3)), StringComparer.Ordinal);
    }

    /// <summary>
    /// Starts the operator; when <paramref name="existing"/> migrations were created before, times how long until
    /// each has a status and reaches its gate.
    /// </summary>
    private async Task<OperatorProcess> StartOperatorAsync(
        string kubeconfig, string workDirectory, IReadOnlyList<string>? existing, MigrationTracker tracker, CancellationToken cancellationToken)
    {
        Say($"starting the operator: {string.Join(' ', OperatorCommand.For(operatorAssembly))} run --kubeconfig {kubeconfig}");
        var startedAt = time.GetUtcNow();
        var operatorProcess = await OperatorProcess.StartAsync(operatorAssembly, kubeconfig, workDirectory, cancellationToken).ConfigureAwait(false);
        try
        {
            await operatorProcess.WaitReadyAsync(TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
            var readyAfter = time.GetUtcNow() - startedAt;
            Say($"operator (pid {operatorProcess.Pid}) ready after {readyAfter.TotalSeconds:0.0} s; log {operatorProcess.LogPath}");
            if (existing is null)
            {
                return operatorProcess;
            }

            await tracker.WaitForAllAsync(IdleNamespace, existing, s => s.FirstStatusAt is not null, ScaledTimeout, "have a status", cancellationToken).ConfigureAwait(false);
            var statusAfter = existing.Select(n => (tracker.Read(IdleNamespace, n, s => s.FirstStatusAt)!.Value - startedAt).TotalSeconds).ToList();
            await tracker.WaitForAllAsync(IdleNamespace, existing, s => s.PhaseFirstSeen.ContainsKey("AwaitingApproval"), ScaledTimeout, "are AwaitingApproval", cancellationToken).ConfigureAwait(false);
            var gateAfter = existing.Select(n => (tracker.Read(IdleNamespace, n, s => s.PhaseFirstSeen["AwaitingApproval"]) - startedAt).TotalSeconds).ToList();
            if (options.Runs("convergence"))
            {
                Put(Figures.RestartReady, readyAfter.TotalSeconds);
                Put(Figures.RestartP50, Percentiles.Of(statusAfter, 50));
                Put(Figures.RestartAll, statusAfter.Max());
                Put(Figures.RestartAfterReady, statusAfter.Max() - readyAfter.TotalSeconds);
                Put(Figures.RestartGate, gateAfter.Max());
            }

            Say($"all {N} pre-existing migrations had a status {statusAfter.Max():0.0} s after the start, were at their gate after {gateAfter.Max():0.0} s");
            return operatorProcess;
        }
        catch
        {
            await operatorProcess.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task MeasureIdleAsync(OperatorProcess operatorProcess, MigrationTracker tracker, AuditLog audit, CancellationToken cancellationToken)
    {
        Say($"idle: counting the operator's requests over {options.IdleWindow.TotalSeconds:0} s");
        var reconcilesBefore = await operatorProcess.ReconcileCountAsync(cancellationToken).ConfigureAwait(false);
        var from = time.GetUtcNow();
        await Task.Delay(options.IdleWindow, time, cancellationToken).ConfigureAwait(false);
        var to = time.GetUtcNow();
        var reconcilesAfter = await operatorProcess.ReconcileCountAsync(cancellationToken).ConfigureAwait(false);
        var events = await audit.BetweenAsync(from, to, cancellationToken).ConfigureAwait(false);

        var perMigrationMinute = 1.0 / N / (to - from).TotalMinutes;
        Put(Figures.IdleRequests, events.Count * perMigrationMinute);
        Put(Figures.IdleReads, events.Count(e => !e.IsWrite) * perMigrationMinute);
        Put(Figures.IdleWrites, events.Count(e => e.IsWrite) * perMigrationMinute);
        Put(Figures.IdleStatusWrites, events.Count(e => e.IsStatusWrite && e.Resource == BenchCluster.Plural) * perMigrationMinute);
        Put(Figures.IdleErrors, events.Count(e => e.Code >= 400) * perMigrationMinute);
        Result.Breakdowns["idle"] = Breakdown(events, perMigrationMinute);
        Result.Breakdowns["idle.statusFields"] = FieldBreakdown(tracker.StatusFieldsChanged(IdleNamespace, from, to).ByField, perMigrationMinute);
        if (reconcilesBefore is { } before && reconcilesAfter is { } after)
        {
            var reconciles = after - before;
            Put(Figures.IdleReconciles, reconciles * perMigrationMinute);
            Put(Figures.IdleReconcilesPerSecond, reconciles / (to - from).TotalSeconds);
            if (reconciles > 0)
            {
                Put(Figures.IdleRequestsPerReconcile, events.Count / reconciles);
            }
        }
        else
        {
            Result.Notes.Add("The operator exported no pooloperator_reconcile_duration histogram on /metrics, so reconciles were not counted.");
        }
    }

    /// <summary>
    /// Stops the operator once every migration of the idle set has a status and waits at its gate, starts it again, and
    /// times how long the new process takes to finish one reconcile of each (its <c>/metrics</c> names each migration
    /// once a round of it ran to the end), and what it asked of the apiserver meanwhile.
    /// </summary>
    private async Task<OperatorProcess> MeasureRestartAsync(
        OperatorProcess running, string kubeconfig, string workDirectory, AuditLog audit, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        Say($"restart: stopping the operator (pid {running.Pid}) with {N} migrations at their gate, starting it again");
        await running.DisposeAsync().ConfigureAwait(false);
        var expected = names.Select(n => $"{IdleNamespace}/{n}").ToHashSet(StringComparer.Ordinal);
        var firstSeen = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        var operatorProcess = await OperatorProcess.StartAsync(operatorAssembly, kubeconfig, workDirectory, cancellationToken).ConfigureAwait(false);
        try
        {
            TimeSpan? readyAfter = null;
            while (firstSeen.Count < expected.Count)
            {
                if (operatorProcess.HasExited)
                {
                    throw new InvalidOperationException($"the operator exited during the restart; see {operatorProcess.LogPath}");
                }

                if (time.GetElapsedTime(started) > ScaledTimeout)
                {
                    throw new TimeoutException($"{firstSeen.Count}/{expected.Count} migrations reconciled {ScaledTimeout.TotalSeconds:0} s after the restart");
                }

                try
                {
                    var reconciled = await operatorProcess.ReconciledMigrationsAsync(cancellationToken).ConfigureAwait(false);
                    var at = time.GetElapsedTime(started);
                    readyAfter ??= at;
                    foreach (var key in reconciled.Where(expected.Contains))
                    {
                        firstSeen.TryAdd(key, at);
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
            }

            var allAfter = firstSeen.Values.Max();
            await Task.Delay(TimeSpan.FromSeconds(2), time, cancellationToken).ConfigureAwait(false);
            var events = await audit.BetweenAsync(startedAt, startedAt + allAfter, cancellationToken).ConfigureAwait(false);
            var seconds = firstSeen.Values.Select(t => t.TotalSeconds).ToList();
            Put(Figures.RestartExistingMetrics, readyAfter?.TotalSeconds);
            Put(Figures.RestartExistingP50, Percentiles.Of(seconds, 50));
            Put(Figures.RestartExistingAll, allAfter.TotalSeconds);
            Put(Figures.RestartExistingRequests, events.Count / (double)N);
            Put(Figures.RestartExistingWrites, events.Count(e => e.IsWrite) / (double)N);
            Result.Breakdowns["restart"] = Breakdown(events, 1.0 / N);
            Say($"restart: every migration reconciled {allAfter.TotalSeconds:0.0} s after the start ({events.Count} requests, {events.Count(e => e.IsWrite)} writes)");
            return operatorProcess;
        }
        catch
        {
            await operatorProcess.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task MeasureUnrelatedPodsAsync(OperatorProcess operatorProcess, BenchCluster cluster, CancellationToken cancellationToken)
    {
        var (before, _) = await SampleMemoryAsync(operatorProcess, cancellationToken).ConfigureAwait(false);
        Say($"memory: creating {options.UnrelatedPods} unrelated pods of about 2 KB in {UnrelatedNamespace}");
        await cluster.CreateUnrelatedPodsAsync(UnrelatedNamespace, options.UnrelatedPods, 2048, cancellationToken).ConfigureAwait(false);
        Say($"waiting {options.PodsSettle.TotalSeconds:0} s for the operator to settle");
        await Task.Delay(options.PodsSettle, time, cancellationToken).ConfigureAwait(false);
        var (after, peak) = await SampleMemoryAsync(operatorProcess, cancellationToken).ConfigureAwait(false);
        Put(Figures.RssWithPods, after);
        Put(Figures.RssPodsGrowth, after - before);
        Put(Figures.RssPeak, peak);
        if (options.UnrelatedPods != 5000)
        {
            Result.Notes.Add($"The memory scenario used {options.UnrelatedPods} unrelated pods, not 5,000.");
        }
    }

    private async Task MeasureTransitionAsync(
        OperatorProcess operatorProcess, BenchCluster cluster, MigrationTracker tracker, AuditLog audit, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        Say($"transition: approving {N} migrations and waiting until all are Completed");
        var reconcilesBefore = await operatorProcess.ReconcileCountAsync(cancellationToken).ConfigureAwait(false);
        var from = time.GetUtcNow();
        await cluster.ApproveAsync(IdleNamespace, names, cancellationToken).ConfigureAwait(false);
        await tracker.WaitForAllAsync(IdleNamespace, names, s => s.Phase == "Completed", ScaledTimeout, "are Completed", cancellationToken).ConfigureAwait(false);
        var allCompleted = time.GetUtcNow();
        var reconcilesAfter = await operatorProcess.ReconcileCountAsync(cancellationToken).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(5), time, cancellationToken).ConfigureAwait(false);
        var events = await audit.BetweenAsync(from, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        PutReconcileRates(
            "transition", Figures.TransitionReconcilesPerSecond, Figures.TransitionRequestsPerReconcile, reconcilesBefore, reconcilesAfter, allCompleted - from,
            events.Where(e => e.ReceivedAt < allCompleted).ToList());

        var writes = events.Where(e => e.IsWrite).ToList();
        var steps = names.Sum(n => tracker.Read(IdleNamespace, n, s => s.Steps.Count(step => step.At >= from)));
        var completedAfter = names.Select(n => (tracker.Read(IdleNamespace, n, s => s.PhaseFirstSeen["Completed"]) - from).TotalSeconds).ToList();
        Put(Figures.TransitionWrites, writes.Count / (double)N);
        Put(Figures.TransitionSteps, steps / (double)N);
        if (steps > 0)
        {
            Put(Figures.TransitionWritesPerStep, writes.Count / (double)steps);
        }

        Put(Figures.TransitionRequests, events.Count / (double)N);
        Put(Figures.TransitionP50, Percentiles.Of(completedAfter, 50));
        Put(Figures.TransitionMax, completedAfter.Max());
        Put(Figures.TransitionAll, (allCompleted - from).TotalSeconds);
        Result.Breakdowns["transition"] = Breakdown(writes, 1.0 / N);
        var (fields, statusChanges) = tracker.StatusFieldsChanged(IdleNamespace, from, time.GetUtcNow());
        Result.Breakdowns["transition.statusFields"] = FieldBreakdown(fields, 1.0 / N);
        Put(Figures.TransitionStatusChanges, statusChanges / (double)N);
    }

    private async Task MeasureNewMigrationsAsync(
        OperatorProcess operatorProcess,
        BenchCluster cluster,
        MigrationTracker tracker,
        AuditLog audit,
        WebhookRecorder webhook,
        IReadOnlyList<string> names,
        CancellationToken cancellationToken)
    {
        Say($"convergence: creating {N} migrations with a webhook check in {NewNamespace} while the operator runs");
        var reconcilesBefore = await operatorProcess.ReconcileCountAsync(cancellationToken).ConfigureAwait(false);
        var from = time.GetUtcNow();
        var created = await cluster.CreateMigrationsAsync(
            NewNamespace, names, n => BenchCluster.GatedMigration(NewNamespace, n, $"{Figures.AnalysisIntervalSeconds}s", webhook.Url), cancellationToken).ConfigureAwait(false);
        await tracker.WaitForAllAsync(NewNamespace, names, s => s.PhaseFirstSeen.ContainsKey("AwaitingApproval"), ScaledTimeout, "are AwaitingApproval", cancellationToken).ConfigureAwait(false);
        var atGate = names.ToDictionary(n => n, n => tracker.Read(NewNamespace, n, s => s.PhaseFirstSeen["AwaitingApproval"]));
        var latencies = names.Select(n => (atGate[n] - created[n]).TotalSeconds).ToList();
        var all = (atGate.Values.Max() - from).TotalSeconds;
        if (options.Runs("convergence"))
        {
            Put(Figures.NewP50, Percentiles.Of(latencies, 50));
            Put(Figures.NewP99, Percentiles.Of(latencies, 99));
            Put(Figures.NewAll, all);
            var reconcilesAfter = await operatorProcess.ReconcileCountAsync(cancellationToken).ConfigureAwait(false);
            var lastAtGate = atGate.Values.Max();
            var events = await audit.BetweenAsync(from, lastAtGate, cancellationToken).ConfigureAwait(false);
            PutReconcileRates("convergence", Figures.NewReconcilesPerSecond, Figures.NewRequestsPerReconcile, reconcilesBefore, reconcilesAfter, lastAtGate - from, events);
        }

        Say($"all {N} new migrations at their gate {all:0.0} s after the first create");
    }

    private async Task MeasureAnalysisIntervalAsync(WebhookRecorder webhook, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var keys = names.Select(n => $"{NewNamespace}/{n}").ToList();
        await WaitUntilEachCalledAsync(webhook, keys, "Analysis", cancellationToken).ConfigureAwait(false);
        Say($"analysis: recording webhook calls for {options.AnalysisWindow.TotalMinutes:0} min");
        var from = time.GetUtcNow();
        await Task.Delay(options.AnalysisWindow, time, cancellationToken).ConfigureAwait(false);
        var pace = CallPace.Of(webhook.Calls(), keys, from, time.GetUtcNow());
        Put(Figures.AnalysisConfigured, Figures.AnalysisIntervalSeconds);
        Put(Figures.AnalysisP50, pace.P50);
        Put(Figures.AnalysisP99, pace.P99);
        Put(Figures.AnalysisMax, pace.Max);
        Put(Figures.AnalysisUncalled, pace.Uncalled);
        Put(Figures.AnalysisCallsPerMinute, pace.CallsPerMinute);
        Put(Figures.AnalysisMeanInterval, pace.MeanInterval(keys.Count));
    }

    /// <summary>Waits until the webhook has been called for every one of <paramref name="keys"/> (or notes who was not).</summary>
    private async Task WaitUntilEachCalledAsync(WebhookRecorder webhook, IReadOnlyList<string> keys, string scenario, CancellationToken cancellationToken)
    {
        Say($"{scenario.ToLowerInvariant()}: waiting until every migration's webhook has been called once");
        var waitStarted = time.GetTimestamp();
        while (true)
        {
            var calls = webhook.Calls();
            var called = keys.Count(calls.ContainsKey);
            if (called == keys.Count)
            {
                return;
            }

            if (time.GetElapsedTime(waitStarted) > ScaledTimeout)
            {
                Result.Notes.Add($"{scenario}: only {called} of {keys.Count} migrations had been called {ScaledTimeout.TotalSeconds:0} s after all reached their gate.");
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The new set's N healthy migrations wait at their gate, their webhook check measured every 30 s. Their pace is
    /// recorded over one window alone, then over a window of the same length while M more migrations, in their own
    /// namespace, are judged by Prometheus checks against servers on 127.0.0.1 that misbehave in every way
    /// <see cref="HostileFault.All"/> lists (dealt in turn). Afterwards every hostile migration must show an inconclusive
    /// check whose message names its provider's fault, and none of its Deployments may have been written to.
    /// </summary>
    private async Task MeasureHostilePaceAsync(
        OperatorProcess operatorProcess, BenchCluster cluster, MigrationTracker tracker, WebhookRecorder webhook, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var keys = names.Select(n => $"{NewNamespace}/{n}").ToList();
        await WaitUntilEachCalledAsync(webhook, keys, "Hostile", cancellationToken).ConfigureAwait(false);
        var hostile = BenchCluster.Names("bad", options.HostileMigrations);
        var faults = hostile.Select((name, i) => (Name: name, Fault: HostileFault.All[i % HostileFault.All.Count])).ToList();
        // Their pools exist before the first window, so the two windows differ only by the hostile migrations.
        Say($"hostile: creating {hostile.Count} pools in {HostileNamespace}");
        await cluster.CreatePoolsAsync(HostileNamespace, hostile, cancellationToken).ConfigureAwait(false);
        await using var providers = await HostileProviders.StartAsync(time, cancellationToken).ConfigureAwait(false);

        Say($"hostile: {N} healthy migrations alone for {options.AnalysisWindow.TotalMinutes:0} min");
        var (alone, aloneRss) = await RecordPaceAsync(operatorProcess, webhook, keys, cancellationToken).ConfigureAwait(false);

        var deploymentsBefore = await cluster.DeploymentVersionsAsync(HostileNamespace, cancellationToken).ConfigureAwait(false);
        var faultOf = faults.ToDictionary(f => f.Name, f => f.Fault, StringComparer.Ordinal);
        Say($"hostile: creating {hostile.Count} migrations judged by {HostileFault.All.Count} hostile providers ({string.Join(", ", HostileFault.All.Select(f => f.Name))})");
        var contactFrom = time.GetUtcNow();
        await cluster.CreateMigrationsAsync(
            HostileNamespace, hostile, n => BenchCluster.HoldingMigration(HostileNamespace, n, $"{Figures.AnalysisIntervalSeconds}s", providers.Address(faultOf[n])), cancellationToken).ConfigureAwait(false);
        await tracker.WaitForAllAsync(
            HostileNamespace, hostile, s => s.Check(HostileCheck).Verdict is not null, ScaledTimeout, "have a measurement of their check", cancellationToken).ConfigureAwait(false);
        // Until the trickle's circuit opens, each call to it holds a reconcile for the check's whole budget: this is
        // when the healthy migrations are most exposed. Starting one interval and a bit earlier, every healthy gap that
        // ends in this stretch is counted whole.
        var firstContact = CallPace.Of(webhook.Calls(), keys, contactFrom - TimeSpan.FromSeconds(Figures.AnalysisIntervalSeconds + 5), time.GetUtcNow());
        Say($"    first contact: {(time.GetUtcNow() - contactFrom).TotalSeconds:0} s; healthy interval p99 {firstContact.P99:0.0} s, max {firstContact.Max:0.0} s");

        Say($"hostile: {N} healthy migrations beside them for {options.AnalysisWindow.TotalMinutes:0} min");
        var providerCallsBefore = providers.Calls();
        var (beside, besideRss) = await RecordPaceAsync(operatorProcess, webhook, keys, cancellationToken).ConfigureAwait(false);
        var providerCalls = providers.Calls();
        var deploymentsAfter = await cluster.DeploymentVersionsAsync(HostileNamespace, cancellationToken).ConfigureAwait(false);

        var unnamed = faults.Where(f => tracker.Read(HostileNamespace, f.Name, s => s.Check(HostileCheck)) is var (verdict, message) && !f.Fault.IsNamedBy(verdict, message)).ToList();
        var touched = hostile
            .Where(n => new[] { n + "-v1", n + "-v2" }.Any(d => deploymentsBefore.GetValueOrDefault(d) is not { } version || deploymentsAfter.GetValueOrDefault(d) != version))
            .ToList();
        var phases = hostile.Select(n => tracker.Read(HostileNamespace, n, s => s.Steps.Count == 0 ? "no phase" : $"{s.Phase}/{s.Steps[^1].Stage}") ?? "never seen").GroupBy(p => p, StringComparer.Ordinal);
        Put(Figures.HostileMigrations, hostile.Count);
        Put(Figures.HostileAloneP50, alone.P50);
        Put(Figures.HostileAloneP99, alone.P99);
        Put(Figures.HostileAloneCallsPerMinute, alone.CallsPerMinute);
        Put(Figures.HostileAloneRss, aloneRss);
        Put(Figures.HostileBesideP50, beside.P50);
        Put(Figures.HostileBesideP99, beside.P99);
        Put(Figures.HostileBesideCallsPerMinute, beside.CallsPerMinute);
        Put(Figures.HostileBesideMax, beside.Max);
        Put(Figures.HostileBesideRss, besideRss);
        Put(Figures.HostileFirstContactP99, firstContact.P99);
        Put(Figures.HostileFirstContactMax, firstContact.Max);
        Put(Figures.HostileBesideUncalled, beside.Uncalled);
        PutRatio(Figures.HostileRatioP50, Figures.HostileBesideP50, Figures.HostileAloneP50);
        PutRatio(Figures.HostileRatioP99, Figures.HostileBesideP99, Figures.HostileAloneP99);
        PutRatio(Figures.HostileRatioRate, Figures.HostileAloneCallsPerMinute, Figures.HostileBesideCallsPerMinute);
        Put(Figures.HostileRssGrowth, besideRss - aloneRss);
        Put(Figures.HostileProviderCalls, providerCalls.Sum(c => c.Value - providerCallsBefore[c.Key]));
        Put(Figures.HostileUnnamed, unnamed.Count);
        Put(Figures.HostileTouched, touched.Count);
        Put(Figures.HostileFollowedRedirects, providers.FollowedRedirects);
        var minutes = options.AnalysisWindow.TotalMinutes;
        Result.Breakdowns["hostile"] = new SortedDictionary<string, double>(
            providerCalls.ToDictionary(c => c.Key, c => Math.Round((c.Value - providerCallsBefore[c.Key]) / minutes, 3)), StringComparer.Ordinal);
        foreach (var fault in HostileFault.All)
        {
            var shown = faults.Where(f => f.Fault == fault)
                .Select(f => tracker.Read(HostileNamespace, f.Name, s => s.Check(HostileCheck).Message))
                .OfType<string>()
                .GroupBy(m => m, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count())
                .Select(g => $"{g.Count()}× `{Shorten(g.Key)}`");
            Result.Notes.Add($"Hostile `{fault.Name}` ({fault.Behaviour}): {string.Join("; ", shown)}.");
        }

        Result.Notes.Add($"Hostile: phase/stage of the hostile migrations at the end of the window: {string.Join(", ", phases.Select(g => $"{g.Count()}× {g.Key}"))}.");
        foreach (var (name, fault) in unnamed.Take(5))
        {
            var (verdict, message) = tracker.Read(HostileNamespace, name, s => s.Check(HostileCheck));
            Result.Notes.Add($"Hostile: {HostileNamespace}/{name} faces `{fault.Name}` but its check shows {verdict ?? "no verdict"}: {message ?? "no message"}.");
        }

        if (touched.Count > 0)
        {
            Result.Notes.Add($"Hostile: Deployments written to while their checks were inconclusive: {string.Join(", ", touched.Take(10))}.");
        }

        Say($"hostile: interval p99 {alone.P99:0.0} s alone, {beside.P99:0.0} s beside; calls per minute {alone.CallsPerMinute:0} alone, {beside.CallsPerMinute:0} beside; " +
            $"{unnamed.Count} without the fault named, {touched.Count} touched");

        // The breach scenario that may follow measures the healthy set on its own again.
        Say($"hostile: deleting the {hostile.Count} hostile migrations");
        await cluster.DeleteMigrationsAsync(HostileNamespace, ScaledTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The pace of <paramref name="keys"/> over one analysis window, and the operator's RSS sampled in the window's
    /// last seconds.
    /// </summary>
    private async Task<(CallPace Pace, double Rss)> RecordPaceAsync(OperatorProcess operatorProcess, WebhookRecorder webhook, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var from = time.GetUtcNow();
        var started = time.GetTimestamp();
        // Five samples take about 4 s; they end before the window does.
        await Task.Delay(options.AnalysisWindow - TimeSpan.FromSeconds(6), time, cancellationToken).ConfigureAwait(false);
        var (rss, _) = await SampleMemoryAsync(operatorProcess, cancellationToken).ConfigureAwait(false);
        var left = options.AnalysisWindow - time.GetElapsedTime(started);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left, time, cancellationToken).ConfigureAwait(false);
        }

        var pace = CallPace.Of(webhook.Calls(), keys, from, time.GetUtcNow());
        Say($"    interval p50 {pace.P50:0.0} s, p99 {pace.P99:0.0} s, {pace.CallsPerMinute:0} calls per minute, {pace.Uncalled} never called, RSS {rss:0} MiB");
        return (pace, rss);
    }

    private static string Shorten(string message) => message.Length <= 160 ? message : message[..157] + "…";

    /// <summary>The median of 5 samples 1 s apart (RSS moves with every garbage collection), and the peak.</summary>
    private async Task<(double Rss, double Peak)> SampleMemoryAsync(OperatorProcess operatorProcess, CancellationToken cancellationToken)
    {
        var samples = new List<double>();
        var peak = 0.0;
        for (var i = 0; i < 5; i++)
        {
            if (i > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
            }

            var (rss, hwm) = operatorProcess.Memory();
            samples.Add(rss);
            peak = Math.Max(peak, hwm);
        }

        var median = Percentiles.Of(samples, 50)!.Value;
        Say($"operator RSS {median:0} MiB (peak {peak:0} MiB)");
        return (median, peak);
    }

    private static SortedDictionary<string, double> FieldBreakdown(SortedDictionary<string, int> byField, double scale) =>
        new(byField.ToDictionary(e => e.Key, e => Math.Round(e.Value * scale, 3)), StringComparer.Ordinal);

    private static SortedDictionary<string, double> Breakdown(IEnumerable<AuditEvent> events, double scale) =>
        new(events.GroupBy(e => e.Key).ToDictionary(g => g.Key, g => Math.Round(g.Count() * scale, 3)), StringComparer.Ordinal);

    /// <summary>Puts <paramref name="figure"/> = <paramref name="numerator"/> ÷ <paramref name="denominator"/> when this run measured both.</summary>
    private void PutRatio(string figure, string numerator, string denominator)
    {
        if (Result.Figures.TryGetValue(numerator, out var top) && Result.Figures.TryGetValue(denominator, out var bottom) && bottom > 0)
        {
            Put(figure, top / bottom);
        }
    }

    private void Put(string figure, double? value)
    {
        if (value is { } measured && double.IsFinite(measured))
        {
            Result.Figures[figure] = Math.Round(measured, 3);
        }
    }

    private void Say(string message) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {message}");
}
