using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using PoolOperator.Api.V1Alpha1;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PoolOperator.Kubectl.Planning;

/// <summary>Reads the PoolMigration out of a YAML or JSON file (the first document of that kind), as kubectl would parse it.</summary>
internal static class ManifestReader
{
    public static PoolMigration Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new PluginException(ExitCodes.NotFound, $"{path}: no such file");
        }

        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new PluginException(ExitCodes.Usage, $"{path}: not valid YAML: {e.Message}");
        }

        var document = stream.Documents.Select(d => ToJson(d.RootNode)).OfType<JsonObject>()
            .FirstOrDefault(o => (string?)o["kind"] == PoolMigration.KindName)
            ?? throw new PluginException(ExitCodes.Usage, $"{path}: holds no {PoolMigration.KindName}");
        try
        {
            return KubernetesJson.Deserialize<PoolMigration>(document.ToJsonString());
        }
        catch (JsonException e)
        {
            throw new PluginException(ExitCodes.Usage, $"{path}: the {PoolMigration.KindName} does not match the schema: {e.Message}");
        }
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(pair =>
            KeyValuePair.Create(((YamlScalarNode)pair.Key).Value ?? "", ToJson(pair.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    // Plain scalars become numbers, booleans or null; quoted ones stay strings.
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
            _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) => JsonValue.Create(number),
            _ => JsonValue.Create(text),
        };
    }
}
