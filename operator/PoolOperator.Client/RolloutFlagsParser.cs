using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace PoolOperator.Client;

/// <summary>
/// Reads <c>rollout.json</c>. Strict about what decides traffic (percentages, override values) and lenient about
/// everything else: unknown fields are ignored so a newer operator can add some without breaking older clients.
/// </summary>
public static class RolloutFlagsParser
{
    /// <summary>Parses a flags document; on failure <paramref name="error"/> says which field is wrong.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, out RolloutFlags flags, out string error)
    {
        flags = RolloutFlags.None;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            using var document = JsonDocument.ParseValue(ref reader);
            return TryRead(document.RootElement, out flags, out error);
        }
        catch (JsonException ex)
        {
            error = $"not valid JSON: {ex.Message}";
            return false;
        }
    }

    private static bool TryRead(JsonElement root, out RolloutFlags flags, out string error)
    {
        flags = RolloutFlags.None;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = $"the document is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object";
            return false;
        }

        if (!root.TryGetProperty("v2Percent", out var v2Element))
        {
            error = "v2Percent is missing";
            return false;
        }

        if (!TryReadPercent(v2Element, "v2Percent", out var v2Percent, out error))
        {
            return false;
        }

        var shadowPercent = 0;
        if (root.TryGetProperty("shadowPercent", out var shadowElement) && shadowElement.ValueKind != JsonValueKind.Null
            && !TryReadPercent(shadowElement, "shadowPercent", out shadowPercent, out error))
        {
            return false;
        }

        if (!TryReadString(root, "migration", out var migration, out error)
            || !TryReadString(root, "phase", out var phase, out error))
        {
            return false;
        }

        long generation = 0;
        if (root.TryGetProperty("generation", out var generationElement) && generationElement.ValueKind != JsonValueKind.Null
            && (generationElement.ValueKind != JsonValueKind.Number || !generationElement.TryGetInt64(out generation)))
        {
            error = $"generation must be an integer, got {generationElement.GetRawText()}";
            return false;
        }

        if (!TryReadOverrides(root, out var overrides, out error))
        {
            return false;
        }

        DateTimeOffset? updatedAt = null;
        if (root.TryGetProperty("updatedAt", out var updatedElement) && updatedElement.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(updatedElement.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            updatedAt = parsed;
        }

        flags = new RolloutFlags
        {
            Migration = migration,
            Generation = generation,
            V2Percent = v2Percent,
            ShadowPercent = shadowPercent,
            Phase = phase,
            Overrides = overrides,
            UpdatedAt = updatedAt,
        };
        error = "";
        return true;
    }

    private static bool TryReadPercent(JsonElement element, string name, out int percent, out string error)
    {
        percent = 0;
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDecimal(out var value) || value != decimal.Truncate(value)
            || value < 0 || value > 100)
        {
            error = $"{name} must be a whole number from 0 to 100, got {element.GetRawText()}";
            return false;
        }

        percent = (int)value;
        error = "";
        return true;
    }

    private static bool TryReadString(JsonElement root, string name, out string value, out string error)
    {
        value = "";
        error = "";
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = $"{name} must be a string, got {element.GetRawText()}";
            return false;
        }

        value = element.GetString() ?? "";
        return true;
    }

    private static bool TryReadOverrides(JsonElement root, out IReadOnlyDictionary<string, Pool> overrides, out string error)
    {
        var result = new Dictionary<string, Pool>(StringComparer.Ordinal);
        overrides = result;
        error = "";
        if (!root.TryGetProperty("overrides", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            error = $"overrides must be an object of session id to \"v1\" or \"v2\", got {element.GetRawText()}";
            return false;
        }

        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String || !PoolNames.TryParse(entry.Value.GetString(), out var pool))
            {
                error = $"overrides[\"{entry.Name}\"] must be \"v1\" or \"v2\", got {entry.Value.GetRawText()}";
                return false;
            }

            result[entry.Name] = pool;
        }

        // Looked up on every decision: a frozen dictionary rejects most keys by length without hashing them.
        overrides = result.ToFrozenDictionary(StringComparer.Ordinal);
        return true;
    }
}
