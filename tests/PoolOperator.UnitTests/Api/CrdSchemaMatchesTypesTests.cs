using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Tests.Shared;
using Xunit;

namespace PoolOperator.UnitTests.Api;

/// <summary>
/// The CRD is the one source of truth users see (kubectl explain, validation, pruning) and the C# types
/// are what the operator reads and writes: a field on one side only is silently dropped by the apiserver
/// or never validated, so the two must match property for property.
/// </summary>
public sealed class CrdSchemaMatchesTypesTests
{
    private static readonly JsonObject Crd = YamlJson.LoadDocuments(RepositoryFiles.PathOf("crds", "poolmigrations.pooloperator.io.yaml")).Single();

    private static JsonObject Version => (JsonObject)Crd["spec"]!["versions"]!.AsArray().Single()!;

    private static JsonObject RootSchema => (JsonObject)Version["schema"]!["openAPIV3Schema"]!;

    [Fact]
    public void Names_match_the_constants_of_the_api_types()
    {
        var spec = Crd["spec"]!;
        Assert.Equal($"{PoolMigration.Plural}.{PoolMigration.Group}", (string?)Crd["metadata"]!["name"]);
        Assert.Equal(PoolMigration.Group, (string?)spec["group"]);
        Assert.Equal("Namespaced", (string?)spec["scope"]);
        Assert.Equal(PoolMigration.KindName, (string?)spec["names"]!["kind"]);
        Assert.Equal(PoolMigration.ListKindName, (string?)spec["names"]!["listKind"]);
        Assert.Equal(PoolMigration.ListKindName, new PoolMigrationList().Kind);
        Assert.Equal(PoolMigration.Plural, (string?)spec["names"]!["plural"]);
        Assert.Equal(PoolMigration.Singular, (string?)spec["names"]!["singular"]);
        Assert.Equal([PoolMigration.ShortName], spec["names"]!["shortNames"]!.AsArray().Select(node => (string?)node));
        Assert.Equal(PoolMigration.Version, (string?)Version["name"]);
        Assert.True((bool?)Version["served"]);
        Assert.True((bool?)Version["storage"]);
        Assert.NotNull(Version["subresources"]?["status"]);
    }

    [Fact]
    public void Printer_columns_are_the_contracts()
    {
        var columns = Version["additionalPrinterColumns"]!.AsArray()
            .Select(column => ((string?)column!["name"], (string?)column["type"], (string?)column["jsonPath"]))
            .ToList();

        Assert.Equal(
        [
            ("Phase", "string", ".status.phase"),
            ("Stage", "string", ".status.stageName"),
            ("Weight", "integer", ".status.weight"),
            ("V1", "string", ".status.v1.ready"),
            ("V2", "string", ".status.v2.ready"),
            ("Age", "date", ".metadata.creationTimestamp"),
        ], columns);
    }

    [Fact]
    public void Printer_columns_read_properties_the_operator_writes()
    {
        foreach (var column in Version["additionalPrinterColumns"]!.AsArray())
        {
            var path = (string)column!["jsonPath"]!;
            if (!path.StartsWith(".status.", StringComparison.Ordinal))
            {
                continue;
            }

            var type = typeof(PoolMigrationStatus);
            foreach (var segment in path[".status.".Length..].Split('.'))
            {
                var property = JsonProperties(type).GetValueOrDefault(segment);
                Assert.True(property is not null, $"printer column {column["name"]}: {path} has no C# property for '{segment}' in {type.Name}");
                type = property.PropertyType;
            }

            Assert.Equal((string?)column["type"], SchemaKindOf(type));
        }
    }

    [Fact]
    public void Schema_and_types_have_the_same_properties_and_kinds()
    {
        var problems = new List<string>();
        var root = RootSchema;
        var rootProperties = (JsonObject)root["properties"]!;
        Assert.Equal(["apiVersion", "kind", "metadata", "spec", "status"], rootProperties.Select(pair => pair.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["apiVersion", "kind", "metadata", "spec", "status"], JsonProperties(typeof(PoolMigration)).Keys.Order(StringComparer.Ordinal));
        Assert.Equal("object", (string?)rootProperties["metadata"]!["type"]);

        Compare("spec", typeof(PoolMigrationSpec), (JsonObject)rootProperties["spec"]!, problems);
        Compare("status", typeof(PoolMigrationStatus), (JsonObject)rootProperties["status"]!, problems);

        Assert.True(problems.Count == 0, "CRD schema and C# types differ:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void Spec_has_no_field_the_apiserver_would_keep_unvalidated()
    {
        // preserve-unknown-fields under spec would let typos through to the operator unnoticed.
        var spec = RootSchema["properties"]!["spec"]!.ToJsonString();
        Assert.DoesNotContain("x-kubernetes-preserve-unknown-fields", spec, StringComparison.Ordinal);
        Assert.DoesNotContain("preserveUnknownFields", Crd.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_walker_reports_a_property_missing_on_either_side()
    {
        var schema = (JsonObject)JsonNode.Parse("""
            {"type":"object","properties":{
              "name":{"type":"integer","format":"int32"},
              "extra":{"type":"string"}}}
            """)!;
        var problems = new List<string>();

        Compare("spec.sample", typeof(ShadowSpecProbe), schema, problems);

        Assert.Contains(problems, problem => problem.StartsWith("spec.sample.name:", StringComparison.Ordinal) && problem.Contains("string", StringComparison.Ordinal));
        Assert.Contains(problems, problem => problem.StartsWith("spec.sample.extra:", StringComparison.Ordinal) && problem.Contains("only in the CRD", StringComparison.Ordinal));
        Assert.Contains(problems, problem => problem.StartsWith("spec.sample.missing:", StringComparison.Ordinal) && problem.Contains("only in C#", StringComparison.Ordinal));
    }

    private static void Compare(string path, Type type, JsonObject schema, List<string> problems)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var expected = SchemaKindOf(type);
        var actual = (string?)schema["type"];
        if (expected != actual)
        {
            problems.Add($"{path}: C# {type.Name} is {expected} but the CRD says {actual ?? "<no type>"}");
            return;
        }

        switch (expected)
        {
            case "integer":
                var format = type == typeof(long) ? "int64" : "int32";
                if ((string?)schema["format"] != format)
                {
                    problems.Add($"{path}: C# {type.Name} needs format {format}, the CRD says {(string?)schema["format"] ?? "<none>"}");
                }

                break;
            case "string" when type == typeof(DateTime) || type == typeof(DateTimeOffset):
                if ((string?)schema["format"] != "date-time")
                {
                    problems.Add($"{path}: C# {type.Name} needs format date-time in the CRD");
                }

                break;
            case "array":
                if (schema["items"] is not JsonObject items)
                {
                    problems.Add($"{path}: array without items in the CRD");
                    break;
                }

                Compare(path + "[]", ElementType(type)!, items, problems);
                break;
            case "object" when DictionaryValueType(type) is { } valueType:
                if (schema["additionalProperties"] is not JsonObject values)
                {
                    problems.Add($"{path}: C# {type.Name} is a map but the CRD has no additionalProperties");
                    break;
                }

                Compare(path + ".*", valueType, values, problems);
                break;
            case "object":
                CompareObject(path, type, schema, problems);
                break;
        }
    }

    private static void CompareObject(string path, Type type, JsonObject schema, List<string> problems)
    {
        var clr = JsonProperties(type);
        var crd = schema["properties"] as JsonObject ?? [];
        foreach (var name in clr.Keys.Except(crd.Select(pair => pair.Key)))
        {
            problems.Add($"{path}.{name}: only in C# ({type.Name}.{clr[name].Name}); the apiserver would prune it");
        }

        foreach (var name in crd.Select(pair => pair.Key).Except(clr.Keys))
        {
            problems.Add($"{path}.{name}: only in the CRD; {type.Name} has no property for it");
        }

        foreach (var (name, property) in clr)
        {
            if (crd[name] is JsonObject child)
            {
                Compare($"{path}.{name}", property.PropertyType, child, problems);
            }
        }

        // What the server guarantees to be present should not need a null check in the operator.
        if (type.Namespace == typeof(PoolMigration).Namespace)
        {
            var nullability = new NullabilityInfoContext();
            foreach (var required in schema["required"]?.AsArray().Select(node => (string)node!) ?? [])
            {
                if (clr.TryGetValue(required, out var property) && nullability.Create(property).ReadState == NullabilityState.Nullable)
                {
                    problems.Add($"{path}.{required}: required in the CRD but nullable in C# ({type.Name}.{property.Name})");
                }
            }
        }
    }

    private static Dictionary<string, PropertyInfo> JsonProperties(Type type) => type
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(property => property.GetCustomAttribute<JsonIgnoreAttribute>() is null)
        .Select(property => (Name: property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name, Property: property))
        .Where(pair => pair.Name is not null)
        .ToDictionary(pair => pair.Name!, pair => pair.Property);

    private static string SchemaKindOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type.IsEnum)
        {
            return "string";
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(short))
        {
            return "integer";
        }

        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return "number";
        }

        if (type == typeof(bool))
        {
            return "boolean";
        }

        if (DictionaryValueType(type) is not null)
        {
            return "object";
        }

        return ElementType(type) is not null ? "array" : "object";
    }

    private static Type? DictionaryValueType(Type type) => GenericInterface(type, typeof(IDictionary<,>))?.GetGenericArguments()[1]
        ?? GenericInterface(type, typeof(IReadOnlyDictionary<,>))?.GetGenericArguments()[1];

    private static Type? ElementType(Type type) => typeof(IEnumerable).IsAssignableFrom(type) && type != typeof(string)
        ? GenericInterface(type, typeof(IEnumerable<>))?.GetGenericArguments()[0]
        : null;

    private static Type? GenericInterface(Type type, Type definition) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == definition
            ? type
            : type.GetInterfaces().FirstOrDefault(candidate => candidate.IsGenericType && candidate.GetGenericTypeDefinition() == definition);

    private sealed class ShadowSpecProbe
    {
        [JsonPropertyName("name")]
        public string Name { get; set; } = "";

        [JsonPropertyName("missing")]
        public int Missing { get; set; }
    }
}
