using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PoolOperator.Analysis;

/// <summary>
/// Parsed custom CAs by content hash. A check's CA trusts only that check's connections: each CA gets its own
/// HttpClient name, and its handler validates the server chain against that CA alone.
/// </summary>
internal sealed class CaTrustStore
{
    private readonly ConcurrentDictionary<string, CaBundle> bundles = new(StringComparer.Ordinal);

    /// <summary>Returns the bundle for a PEM text, or null when it holds no certificate.</summary>
    public CaBundle? GetOrAdd(string pem)
    {
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(pem)));
        if (bundles.TryGetValue(fingerprint, out var known))
        {
            return known;
        }

        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            return null;
        }

        return certificates.Count == 0 ? null : bundles.GetOrAdd(fingerprint, new CaBundle(fingerprint, certificates));
    }

    public CaBundle? Find(string fingerprint) => bundles.TryGetValue(fingerprint, out var bundle) ? bundle : null;

    /// <summary>Accepts a server certificate only when its chain ends at one of the CA's certificates and its name matches.</summary>
    public static bool Validate(CaBundle ca, X509Certificate? certificate, X509Chain? presentedChain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca.Certificates);
        if (presentedChain is not null)
        {
            foreach (var element in presentedChain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
