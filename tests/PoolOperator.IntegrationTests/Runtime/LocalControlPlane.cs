using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using k8s;

namespace PoolOperator.IntegrationTests.Runtime;

/// <summary>
/// etcd plus kube-apiserver on loopback from the cached control-plane binaries (KUBEBUILDER_ASSETS, else the
/// provision cache), with an admin token; just enough to prove the runtime against a real apiserver.
/// </summary>
internal sealed class LocalControlPlane : IAsyncDisposable
{
    private const string AdminToken = "runtime-admin-token";
    private readonly List<Process> _processes = [];
    private readonly DirectoryInfo _workDir;

    private LocalControlPlane(DirectoryInfo workDir) => _workDir = workDir;

    public int ApiPort { get; private set; }

    public KubernetesClientConfiguration Configuration => new()
    {
        Host = $"https://127.0.0.1:{ApiPort}",
        AccessToken = AdminToken,
        SkipTlsVerify = true,
    };

    public static async Task<LocalControlPlane> StartAsync()
    {
        var bin = FindBinaries();
        var plane = new LocalControlPlane(Directory.CreateTempSubdirectory("pooloperator-runtime-"));
        try
        {
            await plane.StartProcessesAsync(bin);
            return plane;
        }
        catch
        {
            await plane.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
                }
            }
            catch (InvalidOperationException)
            {
            }
            finally
            {
                process.Dispose();
            }
        }

        try
        {
            _workDir.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string FindBinaries()
    {
        static bool Has(string? dir) =>
            !string.IsNullOrEmpty(dir) && File.Exists(Path.Combine(dir, "etcd")) && File.Exists(Path.Combine(dir, "kube-apiserver"));

        var assets = Environment.GetEnvironmentVariable("KUBEBUILDER_ASSETS");
        if (Has(assets))
        {
            return assets!;
        }

        var cacheRoot = Environment.GetEnvironmentVariable("POOLOPERATOR_CACHE")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "pooloperator");
        var cache = Path.Combine(cacheRoot, "control-plane-1.20.2");
        if (Has(cache))
        {
            return cache;
        }

        throw new InvalidOperationException(
            "No etcd/kube-apiserver binaries: run tests/control-plane/provision.sh or set KUBEBUILDER_ASSETS.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task StartProcessesAsync(string bin)
    {
        var dir = _workDir.FullName;
        var etcdPort = FreePort();
        var peerPort = FreePort();
        ApiPort = FreePort();

        await File.WriteAllTextAsync(Path.Combine(dir, "tokens.csv"), $"{AdminToken},admin,admin-uid,system:masters\n");
        using (var rsa = RSA.Create(2048))
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "sa.key"), rsa.ExportRSAPrivateKeyPem());
            await File.WriteAllTextAsync(Path.Combine(dir, "sa.pub"), rsa.ExportSubjectPublicKeyInfoPem());
        }

        var etcdUrl = $"http://127.0.0.1:{etcdPort}";
        var peerUrl = $"http://127.0.0.1:{peerPort}";
        Start(Path.Combine(bin, "etcd"), "etcd",
        [
            "--name=default", $"--data-dir={dir}/etcd",
            $"--listen-client-urls={etcdUrl}", $"--advertise-client-urls={etcdUrl}",
            $"--listen-peer-urls={peerUrl}", $"--initial-advertise-peer-urls={peerUrl}",
            $"--initial-cluster=default={peerUrl}",
        ]);
        Start(Path.Combine(bin, "kube-apiserver"), "kube-apiserver",
        [
            $"--etcd-servers={etcdUrl}", "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
            $"--secure-port={ApiPort}", "--insecure-port=0", $"--cert-dir={dir}/certs",
            $"--token-auth-file={dir}/tokens.csv", "--authorization-mode=RBAC",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            $"--service-account-key-file={dir}/sa.pub", $"--service-account-signing-key-file={dir}/sa.key",
            "--service-cluster-ip-range=10.0.0.0/24",
        ]);

        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            foreach (var process in _processes.Where(p => p.HasExited))
            {
                throw new InvalidOperationException($"{process.StartInfo.Arguments} exited early; see logs in {dir}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"https://127.0.0.1:{ApiPort}/readyz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new TimeoutException($"kube-apiserver not ready after 90 s; see logs in {dir}");
            }

            await Task.Delay(250);
        }
    }

    private void Start(string binary, string name, IEnumerable<string> args)
    {
        // exec through a shell so output goes straight to a file and Kill reaches the binary itself.
        var command = $"exec '{binary}' {string.Join(' ', args.Select(a => $"'{a}'"))} > '{_workDir.FullName}/{name}.log' 2>&1";
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        _processes.Add(Process.Start(info) ?? throw new InvalidOperationException($"could not start {name}"));
    }
}
