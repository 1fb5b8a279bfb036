using System.Text.RegularExpressions;

namespace PoolOperator.Validation;

/// <summary>The name rules of Kubernetes' apimachinery validation, mirrored by the CRD's patterns.</summary>
internal static partial class KubernetesNames
{
    /// <summary>Deployment, ConfigMap, Secret and HTTPRoute names.</summary>
    public static bool IsDns1123Subdomain(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 253 && Dns1123Subdomain().IsMatch(value);

    /// <summary>Stage and check names.</summary>
    public static bool IsDns1123Label(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 63 && Dns1123Label().IsMatch(value);

    /// <summary>Service names.</summary>
    public static bool IsDns1035Label(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 63 && Dns1035Label().IsMatch(value);

    /// <summary>Keys of ConfigMap and Secret data.</summary>
    public static bool IsDataKey(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 253 && DataKey().IsMatch(value);

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Label();

    [GeneratedRegex(@"^[a-z]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1035Label();

    [GeneratedRegex(@"^[-._a-zA-Z0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex DataKey();
}
