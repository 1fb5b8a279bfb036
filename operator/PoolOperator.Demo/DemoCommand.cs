using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Hosting;
using PoolOperator.LocalCluster;
using PoolOperator.Routing.Flags;

namespace PoolOperator.Demo;

/// <summary>
/// Starts a real local control plane, runs the operator against it and migrates a demo pool from V1 to V2,
/// printing each step; exits 0 once the migration is Completed.
/// </summary>
internal static class DemoCommand
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var keepRunning = args.Contains("--keep-running");
        // The deadline starts once the control plane is up: building it on a new machine takes longer.
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        var log = loggerFactory.CreateLogger("demo");
        var clock = Stopwatch.StartNew();

        Say(clock, "Locating Kubernetes control-plane binaries (built once per machine when missing; progress follows)");
        // No logger: the build's progress lines go straight to the terminal rather than through the Warning-level demo log.
        var binaries = await ControlPlaneBinaries.LocateAsync(logger: null, stop.Token).ConfigureAwait(false);
        Say(clock, $"Starting etcd, kube-apiserver and kube-controller-manager from {binaries.Directory}");
        await using var plane = await LocalControlPlane.StartAsync(new LocalControlPlaneOptions { Binaries = binaries }, log, stop.Token).ConfigureAwait(false);
        var kubeconfig = Path.Combine(plane.WorkingDirectory, "kubeconfig");
        plane.WriteKubeconfig(kubeconfig);
        stop.CancelAfter(Deadline);
        Say(clock, $"Control plane ready at {plane.ApiServerUri}; watch along with: kubectl --kubeconfig {kubeconfig} get pm -n {DemoScenario.Namespace} -w");

        using var client = new Kubernetes(plane.AdminConfig);
        await using var kubelet = await SimulatedKubelet.StartAsync(client, logger: log, cancellationToken: stop.Token).ConfigureAwait(false);
        await CrdInstaller.InstallAsync(client, stop.Token).ConfigureAwait(false);

        using var app = OperatorApplication.Build(
            ["--urls=http://127.0.0.1:0", "--Operator:LeaderElection=false", "--Logging:LogLevel:Default=Warning"],
            plane.AdminConfig,
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync(stop.Token).ConfigureAwait(false);
        Say(clock, "Operator started");

        try
        {
            await CreatePoolAsync(client, clock, stop.Token).ConfigureAwait(false);
            var outcome = await FollowAsync(client, clock, stop.Token).ConfigureAwait(false);
            if (keepRunning && outcome == 0)
            {
                Say(clock, "Migration done; the control plane stays up until Ctrl+C");
                await Task.Delay(Timeout.Infinite, CancellationToken.None).WaitAsync(stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            return outcome;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Say(clock, $"Stopped before the migration finished (Ctrl+C or the {Deadline.TotalMinutes:0}-minute limit after start-up)");
            return 1;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task CreatePoolAsync(Kubernetes client, Stopwatch clock, CancellationToken cancellationToken)
    {
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = DemoScenario.Namespace } }, cancellationToken: cancellationToken).ConfigureAwait(false);
        await client.AppsV1.CreateNamespacedDeploymentAsync(DemoScenario.Deployment(DemoScenario.V1, "v1", DemoScenario.Replicas), DemoScenario.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        await client.AppsV1.CreateNamespacedDeploymentAsync(DemoScenario.Deployment(DemoScenario.V2, "v2", 0), DemoScenario.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        Say(clock, $"Created Deployments {DemoScenario.V1} ({DemoScenario.Replicas} replicas) and {DemoScenario.V2} (0); waiting for V1 to be ready");
        while ((await client.AppsV1.ReadNamespacedDeploymentAsync(DemoScenario.V1, DemoScenario.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false)).Status?.ReadyReplicas != DemoScenario.Replicas)
        {
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }

        var migration = DemoScenario.Migration();
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(migration, PoolMigration.Group, PoolMigration.Version, DemoScenario.Namespace, PoolMigration.Plural, cancellationToken: cancellationToken).ConfigureAwait(false);
        Say(clock, $"Created PoolMigration {DemoScenario.MigrationName}: shadow -> 5% -> 25% -> 50% (approval gate) -> 100%");
    }

    private static async Task<int> FollowAsync(Kubernetes client, Stopwatch clock, CancellationToken cancellationToken)
    {
        string? last = null;
        var approvals = 0;
        while (true)
        {
            var migration = await client.CustomObjects.GetNamespacedCustomObjectAsync<PoolMigration>(
                PoolMigration.Group, PoolMigration.Version, DemoScenario.Namespace, PoolMigration.Plural, DemoScenario.MigrationName, cancellationToken).ConfigureAwait(false);
            var status = migration.Status;
            var line = status is null
                ? "Pending"
                : $"{status.Phase,-16} stage {status.StageName,-10} weight {status.Weight,3}%  V1 {status.V1?.ReadyReplicas}/{status.V1?.Replicas}  V2 {status.V2?.ReadyReplicas}/{status.V2?.Replicas}  {status.Message}";
            if (line != last)
            {
                Say(clock, line);
                last = line;
            }

            switch (status?.Phase)
            {
                case Phases.AwaitingApproval when approvals == 0:
                    approvals++;
                    Say(clock, $"Gate '{status.StageName}' waits for a person; approving as one would: kubectl annotate pm/{DemoScenario.MigrationName} {ActionAnnotations.Approve}=demo --overwrite");
                    var patch = new { metadata = new { annotations = new Dictionary<string, string> { [ActionAnnotations.Approve] = "demo" } } };
                    await client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch),
                        PoolMigration.Group, PoolMigration.Version, DemoScenario.Namespace, PoolMigration.Plural, DemoScenario.MigrationName, cancellationToken: cancellationToken).ConfigureAwait(false);
                    break;
                case Phases.Completed:
                    await ShowFlagsAsync(client, clock, cancellationToken).ConfigureAwait(false);
                    Say(clock, $"Migration completed in {clock.Elapsed.TotalSeconds:0.0}s: V2 serves all traffic, V1 scaled to 0");
                    return 0;
                case Phases.RolledBack or Phases.Invalid:
                    Say(clock, $"Migration ended {status.Phase}: {status.Message}");
                    return 1;
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ShowFlagsAsync(Kubernetes client, Stopwatch clock, CancellationToken cancellationToken)
    {
        // The operator persists the status before it publishes the flags that follow from it.
        string? rollout = null;
        for (var attempt = 0; attempt < 25 && rollout?.Contains($"\"phase\":\"{Phases.Completed}\"", StringComparison.Ordinal) != true; attempt++)
        {
            var flags = await client.CoreV1.ReadNamespacedConfigMapAsync(DemoScenario.FlagsConfigMap, DemoScenario.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            rollout = flags.Data?[FlagsRouter.DataKey];
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }

        Say(clock, $"Flags ConfigMap {DemoScenario.FlagsConfigMap} {FlagsRouter.DataKey}: {rollout}");
    }

    private static void Say(Stopwatch clock, string message) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss\\.f}] {message}");
}
