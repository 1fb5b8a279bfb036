using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s.Exceptions;
using PoolOperator.Runtime.Client;
using Xunit;

namespace PoolOperator.UnitTests.Runtime;

public sealed class KubeconfigFileTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("kubeconfig-tests-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void The_current_context_gives_server_namespace_token_and_a_CA_file_named_relative_to_the_kubeconfig()
    {
        using var key = RSA.Create(2048);
        using var ca = new CertificateRequest("CN=test-ca", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Directory.CreateDirectory(Path.Combine(directory, "pki"));
        File.WriteAllText(Path.Combine(directory, "pki", "ca.crt"), ca.ExportCertificatePem());
        var path = Write("""
            apiVersion: v1
            kind: Config
            current-context: team-a
            clusters:
            - name: local
              cluster:
                server: https://127.0.0.1:6443
                certificate-authority: pki/ca.crt
            - name: other
              cluster:
                server: https://10.0.0.1:6443
            users:
            - name: operator
              user:
                token: secret-token
            contexts:
            - name: other
              context: {cluster: other, user: operator}
            - name: team-a
              context: {cluster: local, user: operator, namespace: team-a}
            preferences: {}
            """);

        var configuration = KubeconfigFile.Load(path);

        Assert.Equal("https://127.0.0.1:6443", configuration.Host.TrimEnd('/'));
        Assert.Equal("team-a", configuration.Namespace);
        Assert.Equal("secret-token", configuration.AccessToken);
        var loaded = Assert.Single(configuration.SslCaCerts);
        Assert.Equal(ca.Thumbprint, loaded.Thumbprint);
    }

    [Fact]
    public void A_named_context_wins_over_the_current_one()
    {
        var path = Write("""
            current-context: a
            clusters:
            - {name: a, cluster: {server: "https://a.example:6443", insecure-skip-tls-verify: true}}
            - {name: b, cluster: {server: "https://b.example:6443", insecure-skip-tls-verify: true}}
            users:
            - {name: u, user: {token: t}}
            contexts:
            - {name: a, context: {cluster: a, user: u}}
            - {name: b, context: {cluster: b, user: u}}
            """);

        Assert.Equal("https://b.example:6443", KubeconfigFile.Load(path, "b").Host.TrimEnd('/'));
    }

    [Fact]
    public void Broken_YAML_is_refused_naming_the_file_and_where()
    {
        var path = Write("clusters: [\n  - name: a\n  cluster: {");

        var error = Assert.Throws<KubeConfigException>(() => KubeconfigFile.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_is_refused_naming_the_file()
    {
        var path = Write("");

        var error = Assert.Throws<KubeConfigException>(() => KubeconfigFile.Load(path));

        Assert.Equal($"kubeconfig {path} is empty", error.Message);
    }

    private string Write(string yaml)
    {
        var path = Path.Combine(directory, $"config-{Guid.NewGuid():N}");
        File.WriteAllText(path, yaml);
        return path;
    }
}
