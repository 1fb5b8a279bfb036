using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PoolOperator.LocalCluster;

/// <summary>
/// Everything the control plane needs to authenticate, written to a directory: a CA, a serving
/// certificate for 127.0.0.1 signed by it, the service-account signing key and the static tokens.
/// ECDSA keys are used because RSA key generation costs seconds on a busy two-core machine.
/// </summary>
internal sealed class ClusterCredentials
{
    private ClusterCredentials(
        string directory,
        X509Certificate2 caCertificate,
        string caPem,
        string adminToken,
        string controllerManagerToken,
        string? extraUser)
    {
        Directory = directory;
        CaCertificate = caCertificate;
        CaPem = caPem;
        AdminToken = adminToken;
        ControllerManagerToken = controllerManagerToken;
        ExtraUser = extraUser;
        ExtraUserToken = extraUser is null ? null : NewToken();
    }

    public string Directory { get; }

    public X509Certificate2 CaCertificate { get; }

    public string CaPem { get; }

    public string AdminToken { get; }

    public string ControllerManagerToken { get; }

    /// <summary>A further cluster admin with its own name, so its requests can be told apart (in an audit log).</summary>
    public string? ExtraUser { get; }

    public string? ExtraUserToken { get; }

    public string CaFile => Path.Combine(Directory, "ca.crt");

    public string ServingCertificateFile => Path.Combine(Directory, "apiserver.crt");

    public string ServingKeyFile => Path.Combine(Directory, "apiserver.key");

    public string ServiceAccountKeyFile => Path.Combine(Directory, "service-account.key");

    public string ServiceAccountPublicKeyFile => Path.Combine(Directory, "service-account.pub");

    public string TokenFile => Path.Combine(Directory, "tokens.csv");

    public static ClusterCredentials Create(string directory, TimeProvider timeProvider, string? extraUser = null)
    {
        System.IO.Directory.CreateDirectory(directory);
        var now = timeProvider.GetUtcNow();
        var notBefore = now.AddHours(-1);
        var notAfter = now.AddYears(1);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=pooloperator-local-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter);

        using var servingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var servingRequest = new CertificateRequest("CN=kube-apiserver", servingKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        names.AddDnsName("kubernetes");
        names.AddDnsName("kubernetes.default");
        names.AddDnsName("kubernetes.default.svc");
        servingRequest.CertificateExtensions.Add(names.Build());
        servingRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        servingRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        servingRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        servingRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var serving = servingRequest.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));

        using var serviceAccountKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var caPem = ca.ExportCertificatePem();
        var credentials = new ClusterCredentials(
            directory,
            X509CertificateLoader.LoadCertificate(ca.RawData),
            caPem,
            NewToken(),
            NewToken(),
            extraUser);

        WritePrivate(credentials.CaFile, caPem);
        WritePrivate(credentials.ServingCertificateFile, serving.ExportCertificatePem() + "\n" + caPem);
        WritePrivate(credentials.ServingKeyFile, servingKey.ExportECPrivateKeyPem());
        WritePrivate(credentials.ServiceAccountKeyFile, serviceAccountKey.ExportECPrivateKeyPem());
        WritePrivate(credentials.ServiceAccountPublicKeyFile, serviceAccountKey.ExportSubjectPublicKeyInfoPem());
        // The controller manager acts for every controller with its own identity, so it is a cluster admin
        // here rather than needing one credential per controller.
        WritePrivate(
            credentials.TokenFile,
            $"{credentials.AdminToken},admin,admin-uid,\"system:masters\"\n" +
            $"{credentials.ControllerManagerToken},system:kube-controller-manager,kcm-uid,\"system:masters\"\n" +
            (extraUser is null ? "" : $"{credentials.ExtraUserToken},{extraUser},{extraUser},\"system:masters\"\n"));
        return credentials;
    }

    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    private static void WritePrivate(string path, string content)
    {
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
