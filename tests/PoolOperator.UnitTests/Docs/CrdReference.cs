using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PoolOperator.UnitTests.Docs;

/// <summary>Renders docs/crd-reference.md from the CRD's OpenAPI schema, so the reference cannot drift from what the server enforces.</summary>
internal static class CrdReference
{
    public static string Render(JsonObject crd, string sourcePath)
    {
        var spec = crd["spec"]!.AsObject();
        var names = spec["names"]!.AsObject();
        var version = spec["versions"]!.AsArray().Single(v => v!["storage"]!.GetValue<bool>())!.AsObject();
        var schema = version["schema"]!["openAPIV3Schema"]!.AsObject();
        var text = new StringBuilder();

        text.Append(CultureInfo.InvariantCulture, $"# {names["kind"]} reference ({spec["group"]}/{version["name"]})\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Generated from [`{sourcePath}`](../{sourcePath}), the schema the apiserver enforces. ");
        text.Append("Rules the schema cannot express (cross-field rules, references to other objects) are checked by the operator, ");
        text.Append("which sets phase `Invalid` and condition `InvalidSpec` naming the field; see [troubleshooting](troubleshooting.md).\n\n");
        text.Append(CultureInfo.InvariantCulture, $"- Kind `{names["kind"]}`, plural `{names["plural"]}`, short names {string.Join(", ", names["shortNames"]!.AsArray().Select(n => $"`{n}`"))}, ");
        text.Append(CultureInfo.InvariantCulture, $"{spec["scope"]!.GetValue<string>().ToLowerInvariant()}; the status is a subresource.\n");
        text.Append("- `kubectl get pm` columns: ");
        text.Append(string.Join(", ", version["additionalPrinterColumns"]!.AsArray().Select(c => $"{c!["name"]} (`{c["jsonPath"]}`)")));
        text.Append(".\n");

        foreach (var section in new[] { "spec", "status" })
        {
            if (schema["properties"]?[section] is not JsonObject sectionSchema)
            {
                continue;
            }

            text.Append(CultureInfo.InvariantCulture, $"\n## {section}\n\n");
            if (Description(sectionSchema) is { Length: > 0 } about)
            {
                text.Append(about).Append("\n\n");
            }

            text.Append("| Field | Type | Required | Constraints | Description |\n|---|---|---|---|---|\n");
            var rows = new List<string>();
            Walk(section, sectionSchema, required: IsRequired(schema, section), rows);
            foreach (var row in rows)
            {
                text.Append(row).Append('\n');
            }
        }

        return text.ToString();
    }

    private static void Walk(string path, JsonObject schema, bool required, List<string> rows)
    {
        if (path.Contains('.', StringComparison.Ordinal))
        {
            rows.Add($"| `{path}` | {TypeOf(schema)} | {(required ? "yes" : "")} | {Constraints(schema)} | {Cell(Description(schema))} |");
        }

        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                Walk($"{path}.{name}", child!.AsObject(), IsRequired(schema, name), rows);
            }
        }

        if (schema["items"] is JsonObject items && items["properties"] is not null)
        {
            Walk($"{path}[]", items, required: false, rows);
        }

        if (schema["additionalProperties"] is JsonObject values && values["properties"] is not null)
        {
            Walk($"{path}.<key>", values, required: false, rows);
        }
    }

    private static bool IsRequired(JsonObject parent, string name) =>
        parent["required"] is JsonArray required && required.Any(r => r!.GetValue<string>() == name);

    private static string TypeOf(JsonObject schema)
    {
        if (schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true)
        {
            return "integer or string";
        }

        var type = schema["type"]?.GetValue<string>();
        return type switch
        {
            "array" when schema["items"] is JsonObject items => $"array of {TypeOf(items)}",
            "object" when schema["additionalProperties"] is JsonObject values => $"map of {TypeOf(values)}",
            "object" when schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true => "object (any fields)",
            null when schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true => "any",
            null => "any",
            _ => type,
        };
    }

    private static string Constraints(JsonObject schema)
    {
        var parts = new List<string>();
        if (schema["enum"] is JsonArray values)
        {
            parts.Add("one of " + string.Join(", ", values.Select(v => $"`{v}`")));
        }

        Add("default", schema["default"]);
        Add("min", schema["minimum"]);
        Add("max", schema["maximum"]);
        Add("min length", schema["minLength"]);
        Add("max length", schema["maxLength"]);
        Add("min items", schema["minItems"]);
        Add("max items", schema["maxItems"]);
        Add("pattern", schema["pattern"]);
        Add("format", schema["format"]);
        return Cell(string.Join("; ", parts));

        void Add(string label, JsonNode? value)
        {
            if (value is not null)
            {
                var shown = value is JsonValue scalar && scalar.TryGetValue<string>(out var text)
                    ? text
                    : value.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
                parts.Add($"{label} `{shown}`");
            }
        }
    }

    private static string Description(JsonObject schema) => schema["description"]?.GetValue<string>().Trim() ?? "";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
