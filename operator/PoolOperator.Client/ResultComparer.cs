using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PoolOperator.Client;

/// <summary>
/// Compares a V1 and a V2 outcome semantically: JSON object key order does not matter, numbers compare by value
/// (<c>1</c>, <c>1.0</c> and <c>1e0</c> are equal), configured properties and paths are ignored, and exceptions
/// compare by type. Arrays compare item by item, in order.
/// </summary>
public sealed class ResultComparer
{
    /// <summary>At most this many differences are listed per comparison; the verdict counts them all the same.</summary>
    public const int MaxListedDifferences = 50;

    private readonly HashSet<string> ignoredProperties;
    private readonly string[][] ignoredPaths;
    private readonly bool nullEqualsMissing;

    /// <summary>Creates a comparer with the given ignore rules.</summary>
    public ResultComparer(ComparisonOptions? options = null)
    {
        options ??= new ComparisonOptions();
        ignoredProperties = new HashSet<string>(options.IgnoredProperties, StringComparer.Ordinal);
        ignoredPaths = [.. options.IgnoredPaths.Select(ParsePath)];
        nullEqualsMissing = options.NullEqualsMissing;
    }

    /// <summary>Compares two outcomes, including failures and timeouts.</summary>
    public ComparisonResult Compare(CallOutcome v1, CallOutcome v2)
    {
        ArgumentNullException.ThrowIfNull(v1);
        ArgumentNullException.ThrowIfNull(v2);
        if (v1.Result is { } left && v2.Result is { } right)
        {
            return Compare(left, right);
        }

        if (v1.TimedOut || v2.TimedOut)
        {
            return v1.TimedOut && v2.TimedOut ? ComparisonResult.Match : Single(DifferenceKind.Timeout, v1, v2);
        }

        if (v1.Succeeded != v2.Succeeded)
        {
            return Single(DifferenceKind.ErrorVsSuccess, v1, v2);
        }

        return string.Equals(v1.ExceptionType, v2.ExceptionType, StringComparison.Ordinal)
            ? ComparisonResult.Match
            : Single(DifferenceKind.ExceptionType, v1, v2);
    }

    /// <summary>Compares two JSON documents.</summary>
    public ComparisonResult Compare(JsonElement v1, JsonElement v2)
    {
        var walk = new Walk(this);
        walk.Element(v1, v2);
        return walk.Differences.Count == 0 ? ComparisonResult.Match : new ComparisonResult { Differences = walk.Differences };
    }

    /// <summary>Compares two JSON texts.</summary>
    public ComparisonResult Compare(string v1Json, string v2Json)
    {
        using var v1 = JsonDocument.Parse(v1Json);
        using var v2 = JsonDocument.Parse(v2Json);
        return Compare(v1.RootElement, v2.RootElement);
    }

    private static ComparisonResult Single(DifferenceKind kind, CallOutcome v1, CallOutcome v2) =>
        new() { Differences = [new Difference("$", kind, v1.Describe(), v2.Describe())] };

    // "$.items[*].id" -> ["items", "*", "[*]"...]: property names as-is, indices as "[n]", wildcards as "*".
    private static string[] ParsePath(string path)
    {
        var segments = new List<string>();
        var text = path.Trim();
        var i = text.StartsWith('$') ? 1 : 0;
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                var end = text.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? text.Length : end;
                segments.Add(text[(i + 1)..end]);
                i = end;
            }
            else if (text[i] == '[')
            {
                var end = text.IndexOf(']', i);
                if (end < 0)
                {
                    throw new FormatException($"ignored path '{path}' has an unclosed '['");
                }

                var inner = text[(i + 1)..end].Trim('\'', '"');
                segments.Add(inner == "*" ? "*" : int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? $"[{inner}]" : inner);
                i = end + 1;
            }
            else
            {
                // A path written without the leading "$.", e.g. "meta.timestamp".
                var end = text.IndexOfAny(['.', '['], i);
                end = end < 0 ? text.Length : end;
                segments.Add(text[i..end]);
                i = end;
            }
        }

        return [.. segments];
    }

    private sealed class Walk(ResultComparer comparer)
    {
        private readonly List<string> path = [];

        public List<Difference> Differences { get; } = [];

        public void Element(JsonElement v1, JsonElement v2)
        {
            if (IsIgnoredPath())
            {
                return;
            }

            var kind1 = Kind(v1.ValueKind);
            var kind2 = Kind(v2.ValueKind);
            if (kind1 != kind2)
            {
                Add(DifferenceKind.Type, v1.GetRawText(), v2.GetRawText());
                return;
            }

            switch (v1.ValueKind)
            {
                case JsonValueKind.Object:
                    Object(v1, v2);
                    break;
                case JsonValueKind.Array:
                    Array(v1, v2);
                    break;
                case JsonValueKind.Number:
                    if (!NumbersEqual(v1, v2))
                    {
                        Add(DifferenceKind.Value, v1.GetRawText(), v2.GetRawText());
                    }

                    break;
                case JsonValueKind.String:
                    if (!v1.ValueEquals(v2.GetString()))
                    {
                        Add(DifferenceKind.Value, v1.GetRawText(), v2.GetRawText());
                    }

                    break;
                case JsonValueKind.True:
                case JsonValueKind.False:
                    if (v1.ValueKind != v2.ValueKind)
                    {
                        Add(DifferenceKind.Value, v1.GetRawText(), v2.GetRawText());
                    }

                    break;
                case JsonValueKind.Undefined:
                case JsonValueKind.Null:
                default:
                    break;
            }
        }

        private void Object(JsonElement v1, JsonElement v2)
        {
            foreach (var property in v1.EnumerateObject())
            {
                if (comparer.ignoredProperties.Contains(property.Name))
                {
                    continue;
                }

                path.Add(property.Name);
                if (v2.TryGetProperty(property.Name, out var other))
                {
                    Element(property.Value, other);
                }
                else if (!(comparer.nullEqualsMissing && property.Value.ValueKind == JsonValueKind.Null) && !IsIgnoredPath())
                {
                    Add(DifferenceKind.Missing, property.Value.GetRawText(), null);
                }

                path.RemoveAt(path.Count - 1);
            }

            foreach (var property in v2.EnumerateObject())
            {
                if (comparer.ignoredProperties.Contains(property.Name) || v1.TryGetProperty(property.Name, out _))
                {
                    continue;
                }

                path.Add(property.Name);
                if (!(comparer.nullEqualsMissing && property.Value.ValueKind == JsonValueKind.Null) && !IsIgnoredPath())
                {
                    Add(DifferenceKind.Extra, null, property.Value.GetRawText());
                }

                path.RemoveAt(path.Count - 1);
            }
        }

        private void Array(JsonElement v1, JsonElement v2)
        {
            var length1 = v1.GetArrayLength();
            var length2 = v2.GetArrayLength();
            for (var index = 0; index < Math.Max(length1, length2); index++)
            {
                path.Add($"[{index.ToString(CultureInfo.InvariantCulture)}]");
                if (IsIgnoredPath())
                {
                    // An ignored item is skipped whether or not the other side has it.
                }
                else if (index >= length2)
                {
                    Add(DifferenceKind.Missing, v1[index].GetRawText(), null);
                }
                else if (index >= length1)
                {
                    Add(DifferenceKind.Extra, null, v2[index].GetRawText());
                }
                else
                {
                    Element(v1[index], v2[index]);
                }

                path.RemoveAt(path.Count - 1);
            }
        }

        private static bool NumbersEqual(JsonElement v1, JsonElement v2)
        {
            if (v1.TryGetDecimal(out var decimal1) && v2.TryGetDecimal(out var decimal2))
            {
                return decimal1 == decimal2;
            }

            if (v1.TryGetDouble(out var double1) && v2.TryGetDouble(out var double2))
            {
                return double1.Equals(double2);
            }

            return string.Equals(v1.GetRawText(), v2.GetRawText(), StringComparison.Ordinal);
        }

        // True and False are one kind (boolean): a flipped flag is a value difference, not a type difference.
        private static JsonValueKind Kind(JsonValueKind kind) => kind == JsonValueKind.False ? JsonValueKind.True : kind;

        private bool IsIgnoredPath()
        {
            foreach (var pattern in comparer.ignoredPaths)
            {
                if (pattern.Length != path.Count)
                {
                    continue;
                }

                var matches = true;
                for (var i = 0; i < pattern.Length && matches; i++)
                {
                    matches = pattern[i] == "*" || string.Equals(pattern[i], path[i], StringComparison.Ordinal);
                }

                if (matches)
                {
                    return true;
                }
            }

            return false;
        }

        private void Add(DifferenceKind kind, string? v1, string? v2)
        {
            if (Differences.Count < MaxListedDifferences)
            {
                Differences.Add(new Difference(FormatPath(), kind, v1, v2));
            }
        }

        private string FormatPath()
        {
            var text = new StringBuilder("$");
            foreach (var segment in path)
            {
                if (segment.StartsWith('['))
                {
                    text.Append(segment);
                }
                else
                {
                    text.Append('.').Append(segment);
                }
            }

            return text.ToString();
        }
    }
}
