using System.Text.Json;

namespace PoolOperator.Benchmarks.Cluster;

/// <summary>
/// The status fields that differ between two versions of a PoolMigration, as readable paths: list items that carry
/// a <c>type</c> or <c>name</c> are named by it (<c>conditions[Ready].message</c>, <c>analysis.checks[v2-ready].measuredAt</c>),
/// so a write that moved only a timestamp shows as that timestamp.
/// </summary>
internal static class StatusDiff
{
    public static IReadOnlyList<string> Changed(JsonElement? before, JsonElement? after)
    {
        var paths = new List<string>();
        Compare(before, after, "", paths);
        return paths;
    }

    private static void Compare(JsonElement? before, JsonElement? after, string path, List<string> paths)
    {
        if (before is { ValueKind: JsonValueKind.Object } a && after is { ValueKind: JsonValueKind.Object } b)
        {
            var names = a.EnumerateObject().Select(p => p.Name).Union(b.EnumerateObject().Select(p => p.Name), StringComparer.Ordinal);
            foreach (var name in names)
            {
                Compare(Property(a, name), Property(b, name), Join(path, name), paths);
            }

            return;
        }

        if (before is { ValueKind: JsonValueKind.Array } x && after is { ValueKind: JsonValueKind.Array } y)
        {
            var left = Items(x);
            var right = Items(y);
            foreach (var id in left.Keys.Union(right.Keys, StringComparer.Ordinal))
            {
                Compare(left.GetValueOrDefault(id), right.GetValueOrDefault(id), $"{path}[{id}]", paths);
            }

            return;
        }

        var beforeText = before is { } l ? l.GetRawText() : null;
        var afterText = after is { } r ? r.GetRawText() : null;
        if (beforeText != afterText)
        {
            paths.Add(path.Length == 0 ? "status" : path);
        }
    }

    private static Dictionary<string, JsonElement?> Items(JsonElement array)
    {
        var items = new Dictionary<string, JsonElement?>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var id = item.ValueKind == JsonValueKind.Object && (Property(item, "type") ?? Property(item, "name")) is { ValueKind: JsonValueKind.String } key
                ? key.GetString()!
                : index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            items[id] = item;
            index++;
        }

        return items;
    }

    private static JsonElement? Property(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value : null;

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
