using System.Security.Cryptography.X509Certificates;

namespace PoolOperator.Analysis;

/// <summary>The certificates of one custom CA; <see cref="Fingerprint"/> identifies it across reads.</summary>
internal sealed record CaBundle(string Fingerprint, X509Certificate2Collection Certificates);
