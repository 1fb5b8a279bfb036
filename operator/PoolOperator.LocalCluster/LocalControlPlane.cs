using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PoolOperator.LocalCluster;

/// <summary>
/// A real Kubernetes control plane (etcd, kube-apiserver with RBAC and token authentication,
/// kube-controller-manager running the deployment, replicaset, garbage-collector, namespace and
/// service-account controllers unless <see cref="LocalControlPlaneOptions.Controllers"/> says otherwise) on free
/// 127.0.0.1 ports, in a temporary directory. Nothing runs pods: pair it with <see cref="SimulatedKubelet"/>.
/// </summary>
public sealed partial class LocalControlPlane : IAsyncDisposable
{
    private const string ServiceAccountIssuer = "https://kubernetes.default.svc";
    private const string ContextName = "pooloperator-local";
    private const string WorkingDirectoryPrefix = "pooloperator-cluster-";
    private const string OwnerFileName = "owner.pid";

    private readonly LocalControlPlaneOptions options;
    private readonly ILogger logger;
    private readonly ClusterCredentials credentials;
    private readonly string workingDirectory;
    private readonly Version version;
    private readonly int etcdPort;
    private readonly int apiServerPort;
    private readonly SemaphoreSlim apiServerGate = new(1, 1);
    private ManagedProcess? etcd;
    private ManagedProcess? apiServer;
    private ManagedProcess? controllerManager;
    private Kubernetes? adminClient;
    private int disposed;

    private LocalControlPlane(
        LocalControlPlaneOptions options,
        ILogger logger,
        ControlPlaneBinaries binaries,
        string workingDirectory,
        ClusterCredentials credentials,
        Version version)
    {
        this.options = options;
        this.logger = logger;
        Binaries = binaries;
        this.workingDirectory = workingDirectory;
        this.credentials = credentials;
        this.version = version;
        etcdPort = FreePort.Next();
        apiServerPort = FreePort.Next();
        ApiServerUri = new Uri($"https://127.0.0.1:{apiServerPort}/");
        EtcdUri = new Uri($"http://127.0.0.1:{etcdPort}/");
    }

    public ControlPlaneBinaries Binaries { get; }

    /// <summary>The apiserver's address; it stays the same across <see cref="StartApiServerAsync"/>.</summary>
    public Uri ApiServerUri { get; }

    /// <summary>
    /// etcd's client address (plain HTTP on loopback, with etcd's JSON gateway under <c>/v3/</c>): lets a test change
    /// stored objects while the apiserver is down, as another apiserver replica would.
    /// </summary>
    public Uri EtcdUri { get; }

    /// <summary>The directory holding certificates, etcd data and one log file per component.</summary>
    public string WorkingDirectory => workingDirectory;

    /// <summary>
    /// The apiserver's audit log (one JSON event per line) recording the requests of
    /// <see cref="LocalControlPlaneOptions.AuditedUser"/>; null when no user is audited.
    /// </summary>
    public string? AuditLogPath => options.AuditedUser is null ? null : Path.Combine(workingDirectory, "audit.log");

    /// <summary>Whether the apiserver process is running (see <see cref="StopApiServerAsync"/>).</summary>
    public bool IsApiServerRunning => apiServer is { HasExited: false };

    /// <summary>A new configuration for a cluster admin (group <c>system:masters</c>) on every read.</summary>
    public KubernetesClientConfiguration AdminConfig => new()
    {
        Host = ApiServerUri.ToString(),
        AccessToken = credentials.AdminToken,
        SslCaCerts = [X509CertificateLoader.LoadCertificate(credentials.CaCertificate.RawData)],
    };

    /// <summary>
    /// Starts etcd, kube-apiserver and kube-controller-manager and returns once the apiserver is ready
    /// and the controllers are running. Everything started is stopped again when start-up fails.
    /// </summary>
    public static async Task<LocalControlPlane> StartAsync(
        LocalControlPlaneOptions? options = null,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new LocalControlPlaneOptions();
        logger ??= NullLogger.Instance;
        var binaries = options.Binaries ?? await ControlPlaneBinaries.LocateAsync(logger, cancellationToken).ConfigureAwait(false);
        var version = await ReadVersionAsync(binaries.KubeApiServer, cancellationToken).ConfigureAwait(false);
        var parent = options.WorkingDirectory ?? Path.GetTempPath();
        Directory.CreateDirectory(parent);
        RemoveAbandonedWorkingDirectories(parent);

        // Free ports are picked before the processes bind them, so another program can take one in
        // between; such a start is retried on new ports.
        for (var attempt = 1; ; attempt++)
        {
            var workingDirectory = Path.Combine(parent, WorkingDirectoryPrefix + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(workingDirectory);
            File.WriteAllText(
                Path.Combine(workingDirectory, OwnerFileName),
                Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

            LocalControlPlane? plane = null;
            try
            {
                var credentials = ClusterCredentials.Create(Path.Combine(workingDirectory, "pki"), options.TimeProvider, options.AuditedUser);
                plane = new LocalControlPlane(options, logger, binaries, workingDirectory, credentials, version);
                await plane.StartAllAsync(cancellationToken).ConfigureAwait(false);
                return plane;
            }
            catch (Exception e)
            {
                if (plane is not null)
                {
                    await plane.DisposeAsync().ConfigureAwait(false);
                }
                else
                {
                    TryDeleteDirectory(workingDirectory);
                }

                if (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    logger.LogInformation("a port was taken while the control plane started; retrying on other ports");
                    continue;
                }

                throw;
            }
        }
    }

    /// <summary>Writes a kubeconfig for the admin user (usable by kubectl, helm and the operator).</summary>
    public void WriteKubeconfig(string path) =>
        Kubeconfig.Write(path, Kubeconfig.Render(ContextName, ApiServerUri, credentials.CaPem, "admin", credentials.AdminToken));

    /// <summary>Writes a kubeconfig for <see cref="LocalControlPlaneOptions.AuditedUser"/>, whose requests the audit log records.</summary>
    public void WriteAuditedUserKubeconfig(string path)
    {
        if (credentials.ExtraUser is not { } user || credentials.ExtraUserToken is not { } token)
        {
            throw new InvalidOperationException($"no audited user: set {nameof(LocalControlPlaneOptions)}.{nameof(LocalControlPlaneOptions.AuditedUser)}");
        }

        Kubeconfig.Write(path, Kubeconfig.Render(ContextName, ApiServerUri, credentials.CaPem, user, token));
    }

    /// <summary>
    /// A configuration acting as ServiceAccount <paramref name="namespaceName"/>/<paramref name="serviceAccountName"/>
    /// (created when missing), so a test can prove what that account's RBAC allows and forbids.
    /// </summary>
    public Task<KubernetesClientConfiguration> CreateServiceAccountConfigAsync(
        string namespaceName,
        string serviceAccountName,
        CancellationToken cancellationToken = default) =>
        ServiceAccountCredentials.CreateConfigAsync(AdminClient(), AdminConfig, namespaceName, serviceAccountName, cancellationToken);

    /// <summary>
    /// Kills the apiserver (as a crash would); etcd and its data stay. Clients see connection errors
    /// until <see cref="StartApiServerAsync"/>.
    /// </summary>
    public async Task StopApiServerAsync()
    {
        await apiServerGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (apiServer is not null)
            {
                await apiServer.DisposeAsync().ConfigureAwait(false);
                apiServer = null;
                logger.LogInformation("kube-apiserver stopped");
            }
        }
        finally
        {
            apiServerGate.Release();
        }
    }

    /// <summary>Starts the apiserver again on the same port with the same data, and waits until it is ready.</summary>
    public async Task StartApiServerAsync(CancellationToken cancellationToken = default)
    {
        await apiServerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsApiServerRunning)
            {
                return;
            }

            if (apiServer is not null)
            {
                await apiServer.DisposeAsync().ConfigureAwait(false);
                apiServer = null;
            }

            await StartApiServerCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            apiServerGate.Release();
        }
    }

    /// <summary>Kills every process (with its children) and deletes the working directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        adminClient?.Dispose();
        var errors = new List<Exception>();
        foreach (var process in new[] { controllerManager, apiServer, etcd })
        {
            if (process is null)
            {
                continue;
            }

            try
            {
                await process.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
            {
                errors.Add(e);
            }
        }

        controllerManager = apiServer = etcd = null;
        apiServerGate.Dispose();
        if (!options.KeepWorkingDirectory)
        {
            TryDeleteDirectory(workingDirectory);
        }

        foreach (var error in errors)
        {
            logger.LogWarning(error, "stopping the local control plane");
        }
    }

    private Kubernetes AdminClient()
    {
        ObjectDisposedException.ThrowIf(disposed == 1, this);
        return adminClient ??= new Kubernetes(AdminConfig);
    }

    private async Task StartAllAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        await StartEtcdAsync(cancellationToken).ConfigureAwait(false);
        await StartApiServerCoreAsync(cancellationToken).ConfigureAwait(false);
        await StartControllerManagerAsync(cancellationToken).ConfigureAwait(false);
        logger.LogInformation(
            "Kubernetes {Version} control plane ready at {Uri} in {Seconds:F1} s (data in {Directory})",
            version, ApiServerUri, started.Elapsed.TotalSeconds, workingDirectory);
    }

    private async Task StartEtcdAsync(CancellationToken cancellationToken)
    {
        var peerPort = FreePort.Next();
        var clientUrl = $"http://127.0.0.1:{etcdPort}";
        var peerUrl = $"http://127.0.0.1:{peerPort}";
        string[] arguments =
        [
            "--name=default",
            $"--data-dir={Path.Combine(workingDirectory, "etcd")}",
            $"--listen-client-urls={clientUrl}",
            $"--advertise-client-urls={clientUrl}",
            $"--listen-peer-urls={peerUrl}",
            $"--initial-advertise-peer-urls={peerUrl}",
            $"--initial-cluster=default={peerUrl}",
            "--logger=zap",
            "--log-outputs=stderr",
            "--log-level=warn",
        ];
        etcd = ManagedProcess.Start("etcd", Binaries.Etcd, arguments, LogPath("etcd"), logger);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await WaitUntilAsync(
            etcd,
            async ct =>
            {
                using var response = await http.GetAsync(new Uri($"{clientUrl}/health"), ct).ConfigureAwait(false);
                return response.IsSuccessStatusCode;
            },
            cancellationToken).ConfigureAwait(false);
    }

    private async Task StartApiServerCoreAsync(CancellationToken cancellationToken)
    {
        var arguments = new List<string>
        {
            $"--etcd-servers=http://127.0.0.1:{etcdPort}",
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            $"--secure-port={apiServerPort}",
            $"--cert-dir={Path.Combine(workingDirectory, "apiserver-certs")}",
            $"--tls-cert-file={credentials.ServingCertificateFile}",
            $"--tls-private-key-file={credentials.ServingKeyFile}",
            $"--token-auth-file={credentials.TokenFile}",
            "--authorization-mode=RBAC",
            $"--service-account-issuer={ServiceAccountIssuer}",
            $"--service-account-key-file={credentials.ServiceAccountPublicKeyFile}",
            $"--service-account-signing-key-file={credentials.ServiceAccountKeyFile}",
            "--service-cluster-ip-range=10.0.0.0/24",
            // No kubelet mounts service-account tokens here, and pods must not wait for token secrets.
            "--disable-admission-plugins=ServiceAccount",
            // The "kubernetes" Service would point at a loopback address, which Endpoints validation rejects.
            "--endpoint-reconciler-type=none",
            "--allow-privileged=true",
            "--profiling=false",
        };
        if (options.MaxRequestsInflight is { } inflight)
        {
            arguments.Add($"--max-requests-inflight={inflight}");
            arguments.Add($"--max-mutating-requests-inflight={Math.Max(1, inflight / 2)}");
        }

        if (options.AuditedUser is { } auditedUser)
        {
            arguments.AddRange(AuditArguments(auditedUser));
        }

        apiServer = ManagedProcess.Start("kube-apiserver", Binaries.KubeApiServer, arguments, LogPath("kube-apiserver"), logger);

        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => IsSignedByClusterCa(certificate),
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credentials.AdminToken);
        var readyz = new Uri(ApiServerUri, "readyz");
        await WaitUntilAsync(
            apiServer,
            async ct =>
            {
                using var response = await http.GetAsync(readyz, ct).ConfigureAwait(false);
                return response.IsSuccessStatusCode;
            },
            cancellationToken).ConfigureAwait(false);
    }

    private async Task StartControllerManagerAsync(CancellationToken cancellationToken)
    {
        var kubeconfig = Path.Combine(workingDirectory, "controller-manager.kubeconfig");
        Kubeconfig.Write(
            kubeconfig,
            Kubeconfig.Render(ContextName, ApiServerUri, credentials.CaPem, "system:kube-controller-manager", credentials.ControllerManagerToken));
        var arguments = new List<string>
        {
            $"--kubeconfig={kubeconfig}",
            $"--controllers={string.Join(',', options.Controllers)}",
            $"--service-account-private-key-file={credentials.ServiceAccountKeyFile}",
            $"--root-ca-file={credentials.CaFile}",
            "--leader-elect=false",
            "--use-service-account-credentials=false",
            "--secure-port=0",
        };
        if (version < new Version(1, 24))
        {
            // Before 1.24 the controller manager also serves plain HTTP on 10252 unless told not to.
            arguments.Add("--port=0");
        }

        controllerManager = ManagedProcess.Start(
            "kube-controller-manager", Binaries.KubeControllerManager, arguments, LogPath("kube-controller-manager"), logger);

        // The service-account controller creating "default" proves the controllers run and can write.
        var client = AdminClient();
        await WaitUntilAsync(
            controllerManager,
            async ct =>
            {
                try
                {
                    await client.CoreV1.ReadNamespacedServiceAccountAsync("default", "default", cancellationToken: ct).ConfigureAwait(false);
                    return true;
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    return false;
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Level Metadata (verb, resource, name, timestamps, no bodies) for the audited user, nothing for anyone else.
    /// Batches are flushed at least every second, and the buffer is large enough that a burst is not dropped.
    /// </summary>
    private IEnumerable<string> AuditArguments(string auditedUser)
    {
        var policyFile = Path.Combine(workingDirectory, "audit-policy.yaml");
        File.WriteAllText(policyFile, $$"""
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitStages: ["RequestReceived"]
            rules:
              - level: Metadata
                users: ["{{auditedUser}}"]
              - level: None

            """);
        return
        [
            $"--audit-policy-file={policyFile}",
            $"--audit-log-path={AuditLogPath}",
            "--audit-log-mode=batch",
            "--audit-log-batch-max-wait=1s",
            "--audit-log-batch-max-size=1000",
            "--audit-log-batch-buffer-size=200000",
        ];
    }

    private bool IsSignedByClusterCa(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(credentials.CaCertificate);
        return chain.Build(certificate);
    }

    /// <summary>
    /// Polls <paramref name="probe"/> until it succeeds; fails fast with the component's output when
    /// it exits, and with the same output when the start timeout passes.
    /// </summary>
    private async Task WaitUntilAsync(ManagedProcess process, Func<CancellationToken, Task<bool>> probe, CancellationToken cancellationToken)
    {
        var timeProvider = options.TimeProvider;
        var started = timeProvider.GetTimestamp();
        Exception? lastError = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} did not start: {process.Describe()}");
            }

            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(TimeSpan.FromSeconds(5));
                if (await probe(attempt.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or HttpOperationException
                                          && !cancellationToken.IsCancellationRequested)
            {
                lastError = e;
            }

            if (timeProvider.GetElapsedTime(started) > options.StartTimeout)
            {
                throw new TimeoutException(
                    $"{process.Name} was not ready after {options.StartTimeout.TotalSeconds:F0} s " +
                    $"(last probe error: {lastError?.Message ?? "none"}): {process.Describe()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private string LogPath(string component) => Path.Combine(workingDirectory, component + ".log");

    private static async Task<Version> ReadVersionAsync(string apiServerPath, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(apiServerPath, "--version")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not run {apiServerPath}");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var match = VersionPattern().Match(output);
        return match.Success
            ? new Version(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))
            : throw new InvalidOperationException($"{apiServerPath} --version printed no version: {output}");
    }

    /// <summary>
    /// Deletes working directories left by processes that were killed before they could clean up
    /// (their child processes died with them; only the files stay behind).
    /// </summary>
    private static void RemoveAbandonedWorkingDirectories(string parent)
    {
        foreach (var directory in Directory.EnumerateDirectories(parent, WorkingDirectoryPrefix + "*"))
        {
            var ownerFile = Path.Combine(directory, OwnerFileName);
            try
            {
                if (!File.Exists(ownerFile)
                    || !int.TryParse(File.ReadAllText(ownerFile), System.Globalization.CultureInfo.InvariantCulture, out var owner)
                    || owner == Environment.ProcessId
                    || IsRunning(owner))
                {
                    continue;
                }
            }
            catch (IOException)
            {
                continue;
            }

            TryDeleteDirectory(directory);
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDeleteDirectory(string directory)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }

                return;
            }
            catch (IOException)
            {
                // A process that was just killed may still be closing a file.
                Thread.Sleep(200);
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }
        }
    }

    [GeneratedRegex(@"v(\d+)\.(\d+)")]
    private static partial Regex VersionPattern();
}
