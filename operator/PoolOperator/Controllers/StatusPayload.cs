using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Controllers;

internal static class StatusPayload
{
    /// <summary>
    /// The migration as sent to the status subresource, with empty strings left out of status: they carry no
    /// information, and some apiservers (1.20 builds among them) refuse "" in a custom resource's string field.
    /// </summary>
    public static JsonElement For(PoolMigration migration)
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(migration))!;
        if (node["status"] is JsonObject status)
        {
            RemoveEmptyStrings(status);
        }

        using var document = JsonDocument.Parse(node.ToJsonString());
        return document.RootElement.Clone();
    }

    private static void RemoveEmptyStrings(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (value is JsonValue text && text.TryGetValue<string>(out var s) && s.Length == 0)
                    {
                        obj.Remove(name);
                    }
                    else
                    {
                        RemoveEmptyStrings(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    RemoveEmptyStrings(item);
                }

                break;
        }
    }
}
