using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.LocalCluster;
using Testcontainers.K3s;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace PoolOperator.IntegrationTests.Infrastructure;

/// <summary>
/// One real Kubernetes API for the whole <see cref="ClusterCollection"/>: an existing cluster
/// (<c>POOLOPERATOR_TEST_KUBECONFIG</c>), else K3s in Docker, else the local control plane with the simulated
/// kubelet. The PoolOperator CRDs from <c>crds/</c> are installed. Each test works in its own namespace.
/// </summary>
public sealed class ClusterFixture(IMessageSink messageSink) : IAsyncLifetime
{
    private const string DefaultK3sImage = "rancher/k3s:v1.26.2-k3s1";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly List<string> namespaces = [];
    private readonly Lock namespacesGate = new();
    private string? temporaryDirectory;
    private K3sContainer? k3s;
    private Kubernetes? client;
    private KubernetesClientConfiguration? config;
    private int disposed;

    /// <summary>Which cluster this run uses.</summary>
    public ClusterKind Kind { get; private set; }

    /// <summary>Why that cluster was chosen (printed at start-up).</summary>
    public string SelectionReason { get; private set; } = "";

    /// <summary>A cluster-admin client.</summary>
    public IKubernetes Client => client ?? throw new InvalidOperationException("the cluster is not started");

    /// <summary>The cluster-admin configuration behind <see cref="Client"/>, e.g. to start the operator in-process.</summary>
    public KubernetesClientConfiguration ClientConfig => config ?? throw new InvalidOperationException("the cluster is not started");

    /// <summary>A cluster-admin kubeconfig file, for kubectl, helm or an operator process.</summary>
    public string KubeconfigPath { get; private set; } = "";

    /// <summary>The simulated kubelet; null on K3s or an existing cluster, where real kubelets run the pods.</summary>
    public SimulatedKubelet? Kubelet { get; private set; }

    /// <summary>The local control plane; null on K3s or an existing cluster.</summary>
    public LocalControlPlane? ControlPlane { get; private set; }

    /// <summary>Names of the CustomResourceDefinitions installed from <c>crds/</c>.</summary>
    public IReadOnlyList<string> InstalledCrds { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var selection = ClusterSelection.Current;
        Kind = selection.Kind;
        SelectionReason = selection.Reason;
        Report($"Kubernetes for integration tests: {selection.Kind} ({selection.Reason})");
        var started = Stopwatch.StartNew();
        try
        {
            temporaryDirectory = Directory.CreateTempSubdirectory("pooloperator-tests-").FullName;
            switch (selection.Kind)
            {
                case ClusterKind.Existing:
                    KubeconfigPath = selection.KubeconfigPath!;
                    config = KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath);
                    break;
                case ClusterKind.K3s:
                    if (!await TryStartK3sAsync(fallBack: !selection.Forced).ConfigureAwait(false))
                    {
                        await StartLocalControlPlaneAsync().ConfigureAwait(false);
                    }

                    break;
                default:
                    await StartLocalControlPlaneAsync().ConfigureAwait(false);
                    break;
            }

            client = new Kubernetes(config!);
            if (ControlPlane is not null)
            {
                Kubelet = await SimulatedKubelet.StartAsync(
                    client, logger: new MessageSinkLogger(messageSink, "kubelet")).ConfigureAwait(false);
            }

            var repositoryRoot = ControlPlaneBinaries.FindRepositoryRoot(AppContext.BaseDirectory)
                ?? throw new InvalidOperationException("PoolOperator.sln not found above " + AppContext.BaseDirectory);
            InstalledCrds = await CrdInstaller.InstallAsync(client, Path.Combine(repositoryRoot, "crds"), WaitForAsync).ConfigureAwait(false);
            Report($"cluster ready in {started.Elapsed.TotalSeconds:F1} s; CRDs installed: " +
                   (InstalledCrds.Count == 0 ? "none (crds/ is empty)" : string.Join(", ", InstalledCrds)));
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates a namespace named after <paramref name="prefix"/> plus a random suffix; it is deleted at the end of the run.</summary>
    public async Task<string> CreateNamespaceAsync(string prefix)
    {
        var name = $"{Sanitize(prefix)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }).ConfigureAwait(false);
        lock (namespacesGate)
        {
            namespaces.Add(name);
        }

        return name;
    }

    /// <summary>
    /// Creates a Deployment whose pods carry <paramref name="labels"/> (also its selector) and behave as
    /// <paramref name="podBehaviour"/> says: through the simulated kubelet's annotation locally, through a
    /// busybox container that sleeps, never passes readiness or exits 1 on a real cluster. The selector is
    /// <paramref name="selector"/> when given, else the labels.
    /// </summary>
    public Task<V1Deployment> CreateDeploymentAsync(
        string namespaceName,
        string name,
        int replicas,
        IReadOnlyDictionary<string, string> labels,
        PodBehaviour podBehaviour = PodBehaviour.Ready,
        V1LabelSelector? selector = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var container = new V1Container
        {
            Name = "app",
            Image = "busybox:1.36",
            Command = podBehaviour == PodBehaviour.CrashLoop ? ["sh", "-c", "exit 1"] : ["sh", "-c", "sleep 86400"],
            ReadinessProbe = podBehaviour == PodBehaviour.NeverReady
                ? new V1Probe { Exec = new V1ExecAction { Command = ["false"] }, PeriodSeconds = 1 }
                : null,
        };
        var deployment = new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = namespaceName, Labels = labels.ToDictionary() },
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Selector = selector ?? new V1LabelSelector { MatchLabels = labels.ToDictionary() },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta
                    {
                        Labels = labels.ToDictionary(),
                        Annotations = new Dictionary<string, string> { [SimulatedKubelet.BehaviourAnnotation] = AnnotationValue(podBehaviour) },
                    },
                    Spec = new V1PodSpec { Containers = [container], TerminationGracePeriodSeconds = 1 },
                },
            },
        };
        return Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, namespaceName);
    }

    /// <summary>
    /// A configuration acting as ServiceAccount <paramref name="namespaceName"/>/<paramref name="serviceAccountName"/>
    /// (created when missing), to prove what its RBAC allows.
    /// </summary>
    public Task<KubernetesClientConfiguration> CreateServiceAccountConfigAsync(string namespaceName, string serviceAccountName) =>
        ServiceAccountCredentials.CreateConfigAsync(Client, ClientConfig, namespaceName, serviceAccountName);

    /// <summary>
    /// Polls <paramref name="condition"/> every 100 ms until it returns true; throws a <see cref="TimeoutException"/>
    /// naming <paramref name="description"/> (and the condition's last error, if it threw) when
    /// <paramref name="timeout"/> passes. Exceptions from the condition count as "not yet".
    /// </summary>
    public async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string description)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var watch = Stopwatch.StartNew();
        Exception? lastError = null;
        while (true)
        {
            try
            {
                if (await condition().ConfigureAwait(false))
                {
                    return;
                }

                lastError = null;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                lastError = e;
            }

            if (watch.Elapsed >= timeout)
            {
                var message = $"Timed out after {timeout.TotalSeconds:0.#} s waiting for {description}";
                throw lastError is null
                    ? new TimeoutException(message)
                    : new TimeoutException($"{message}; last error: {lastError.GetType().Name}: {lastError.Message}", lastError);
            }

            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }

    public async Task DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        var failures = new List<Exception>();
        async Task Attempt(Func<Task> step)
        {
            try
            {
                await step().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }

        if (Kubelet is not null)
        {
            await Attempt(() => Kubelet.DisposeAsync().AsTask()).ConfigureAwait(false);
        }

        if (Kind == ClusterKind.Existing && client is not null)
        {
            // A shared cluster outlives the run: remove what the tests created. Processes and containers
            // started here take their data with them instead.
            await Attempt(DeleteNamespacesAsync).ConfigureAwait(false);
        }

        client?.Dispose();
        if (ControlPlane is not null)
        {
            await Attempt(() => ControlPlane.DisposeAsync().AsTask()).ConfigureAwait(false);
        }

        if (k3s is not null)
        {
            await Attempt(() => k3s.DisposeAsync().AsTask()).ConfigureAwait(false);
        }

        if (temporaryDirectory is not null)
        {
            await Attempt(() =>
            {
                Directory.Delete(temporaryDirectory, recursive: true);
                return Task.CompletedTask;
            }).ConfigureAwait(false);
        }

        foreach (var failure in failures)
        {
            Report($"cluster teardown: {failure.Message}");
        }
    }

    private async Task StartLocalControlPlaneAsync()
    {
        ControlPlane = await LocalControlPlane.StartAsync(logger: new MessageSinkLogger(messageSink, "control-plane")).ConfigureAwait(false);
        config = ControlPlane.AdminConfig;
        KubeconfigPath = Path.Combine(temporaryDirectory!, "kubeconfig");
        ControlPlane.WriteKubeconfig(KubeconfigPath);
        Kind = ClusterKind.LocalControlPlane;
    }

    /// <summary>Starts K3s; when that fails and <paramref name="fallBack"/> allows, reports why and returns false.</summary>
    private async Task<bool> TryStartK3sAsync(bool fallBack)
    {
        var image = Environment.GetEnvironmentVariable("POOLOPERATOR_TEST_K3S_IMAGE");
        K3sContainer? container = null;
        try
        {
            container = new K3sBuilder(string.IsNullOrWhiteSpace(image) ? DefaultK3sImage : image).Build();
            k3s = container;
            await container.StartAsync().ConfigureAwait(false);
            KubeconfigPath = Path.Combine(temporaryDirectory!, "kubeconfig");
            await File.WriteAllTextAsync(KubeconfigPath, await container.GetKubeconfigAsync().ConfigureAwait(false)).ConfigureAwait(false);
            config = KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath);
            return true;
        }
        catch (Exception e) when (fallBack && e is not OutOfMemoryException)
        {
            if (container is not null)
            {
                await container.DisposeAsync().ConfigureAwait(false);
                k3s = null;
            }

            SelectionReason = $"K3s (Testcontainers) failed to start: {e.Message}";
            Report($"{SelectionReason}; using the local control plane instead");
            return false;
        }
    }

    private async Task DeleteNamespacesAsync()
    {
        List<string> toDelete;
        lock (namespacesGate)
        {
            toDelete = [.. namespaces];
        }

        foreach (var name in toDelete)
        {
            try
            {
                await ReleaseMigrationsAsync(name).ConfigureAwait(false);
                await Client.CoreV1.DeleteNamespaceAsync(name).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
            }
        }
    }

    /// <summary>
    /// No operator runs any more to remove the PoolMigrations' finalizers; without this their namespaces would stay
    /// Terminating on the shared cluster.
    /// </summary>
    private async Task ReleaseMigrationsAsync(string namespaceName)
    {
        var list = await Client.CustomObjects.ListNamespacedCustomObjectAsync<PoolMigrationList>(
            PoolMigration.Group, PoolMigration.Version, namespaceName, PoolMigration.Plural).ConfigureAwait(false);
        foreach (var migration in list.Items.Where(m => m.Metadata.Finalizers is { Count: > 0 }))
        {
            await Client.CustomObjects.PatchNamespacedCustomObjectAsync(
                new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch),
                PoolMigration.Group, PoolMigration.Version, namespaceName, PoolMigration.Plural, migration.Metadata.Name).ConfigureAwait(false);
        }
    }

    private void Report(string message) => messageSink.OnMessage(new DiagnosticMessage("[cluster] " + message));

    private static string AnnotationValue(PodBehaviour behaviour) => behaviour switch
    {
        PodBehaviour.NeverReady => "never-ready",
        PodBehaviour.CrashLoop => "crash-loop",
        _ => "ready",
    };

    private static string Sanitize(string prefix)
    {
        var builder = new StringBuilder();
        foreach (var c in prefix.ToLowerInvariant())
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        var name = builder.ToString().Trim('-');
        if (name.Length > 50)
        {
            name = name[..50].TrimEnd('-');
        }

        return name.Length == 0 ? "test" : name;
    }
}
