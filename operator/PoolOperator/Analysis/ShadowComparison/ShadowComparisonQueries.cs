using System.Globalization;

namespace PoolOperator.Analysis.ShadowComparison;

/// <summary>
/// The PromQL a shadow comparison check runs, built from the client SDK's metric and the migration's
/// <c>migration="namespace/name"</c> label (the value the SDK takes from the flags document). Pure.
/// </summary>
internal static class ShadowComparisonQueries
{
    /// <summary>The SDK's counter as the OpenTelemetry Prometheus exporter names it.</summary>
    public const string Metric = "poolmigration_shadow_comparisons_total";

    public const string DefaultWindow = "5m";

    public const int DefaultMinComparisons = 100;

    /// <summary>Comparisons counted in the window, by every process of the application; 0 when none were.</summary>
    public static string Comparisons(string @namespace, string migration, TimeSpan window) =>
        $"sum(increase({Metric}{{migration=\"{Label(@namespace, migration)}\"}}[{Range(window)}])) or vector(0)";

    /// <summary>Comparisons whose outcome was a mismatch in the window; 0 when none were.</summary>
    public static string Mismatches(string @namespace, string migration, TimeSpan window) =>
        $"sum(increase({Metric}{{migration=\"{Label(@namespace, migration)}\",outcome=\"mismatch\"}}[{Range(window)}])) or vector(0)";

    // Namespace and name are DNS labels and subdomains: nothing in them needs escaping inside a PromQL string.
    private static string Label(string @namespace, string migration) => $"{@namespace}/{migration}";

    // Whole seconds: every Prometheus version reads them, whatever the spec's spelling (1h30m, 90s, 1.5h).
    private static string Range(TimeSpan window) =>
        $"{Math.Max(1, (long)Math.Ceiling(window.TotalSeconds)).ToString(CultureInfo.InvariantCulture)}s";
}
