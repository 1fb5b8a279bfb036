using System.Text.Json;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Routing.Flags;

/// <summary>The <c>rollout.json</c> value the flags ConfigMap should hold for a traffic state. Pure, so the simulator uses it too.</summary>
internal static class FlagsDocument
{
    /// <summary>
    /// The published shares, or on restore the exact pre-migration value when there was one; a ConfigMap the operator
    /// created is not deleted on restore but publishes 0% so SDK readers send everyone to V1.
    /// </summary>
    public static string Desired(PoolMigration migration, TrafficState traffic, DateTimeOffset now)
    {
        if (traffic.RestoreOriginal && migration.Status?.Original?.Flags is { Existed: true, RolloutJson: { } original })
        {
            return original;
        }

        var overrides = migration.Spec.TrafficRouting?.Flags?.Overrides is { } pins
            ? new Dictionary<string, string>(pins)
            : new Dictionary<string, string>();
        return JsonSerializer.Serialize(new RolloutDocument(
            $"{migration.Metadata.NamespaceProperty}/{migration.Metadata.Name}",
            migration.Metadata.Generation ?? 1,
            traffic.RestoreOriginal ? 0 : traffic.V2Weight,
            traffic.RestoreOriginal ? 0 : traffic.ShadowPercent,
            traffic.Phase,
            overrides,
            now),
            FlagsJsonContext.Default.RolloutDocument);
    }

    /// <summary>Equal apart from <c>updatedAt</c>, which moves on every render.</summary>
    public static bool SameState(string current, string desired)
    {
        try
        {
            using var a = JsonDocument.Parse(current);
            using var b = JsonDocument.Parse(desired);
            return Strip(a.RootElement) == Strip(b.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Strip(JsonElement element) =>
        element.ValueKind != JsonValueKind.Object
            ? element.GetRawText()
            : string.Join(",", element.EnumerateObject().Where(p => p.Name != "updatedAt").Select(p => $"{p.Name}={p.Value.GetRawText()}"));
}
