using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PoolOperator.IntegrationTests.ArgoCd;

/// <summary>
/// Runs a script the way Argo CD runs resource health and action scripts: Lua 5.1 with the resource as the global
/// <c>obj</c>, the script's return value read back as JSON. Uses the real <c>lua5.1</c> interpreter.
/// </summary>
internal static class Lua51
{
    private const string JsonEncoder = """
        local function encode(value)
          local kind = type(value)
          if kind == "nil" then return "null" end
          if kind == "boolean" then return tostring(value) end
          if kind == "number" then return string.format("%.14g", value) end
          if kind == "string" then
            return '"' .. value:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
          end
          local isArray = #value > 0
          local parts = {}
          if isArray then
            for _, item in ipairs(value) do table.insert(parts, encode(item)) end
            return "[" .. table.concat(parts, ",") .. "]"
          end
          local keys = {}
          for key in pairs(value) do table.insert(keys, key) end
          table.sort(keys)
          for _, key in ipairs(keys) do table.insert(parts, encode(tostring(key)) .. ":" .. encode(value[key])) end
          return "{" .. table.concat(parts, ",") .. "}"
        end
        """;

    /// <summary>
    /// <paramref name="node"/> as it comes back from a Lua round trip: Lua has one table type, so an empty JSON array
    /// returns as an empty object (Argo CD has the same ambiguity).
    /// </summary>
    public static JsonNode? AsLuaSeesIt(JsonNode? node) => node switch
    {
        JsonArray { Count: 0 } => new JsonObject(),
        JsonArray array => new JsonArray([.. array.Select(item => AsLuaSeesIt(item))]),
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, AsLuaSeesIt(p.Value)))),
        _ => node?.DeepClone(),
    };

    /// <summary>Runs <paramref name="scriptPath"/> against <paramref name="resource"/> and returns what it returned.</summary>
    public static JsonNode? Run(string scriptPath, JsonNode resource)
    {
        var program = new StringBuilder()
            .AppendLine(JsonEncoder)
            .Append("obj = ").AppendLine(ToLua(resource))
            .AppendLine("local result = (function()")
            .AppendLine(File.ReadAllText(scriptPath))
            .AppendLine("end)()")
            .AppendLine("io.write(encode(result))")
            .ToString();
        var scriptFile = Path.Combine(Path.GetTempPath(), $"pooloperator-argocd-{Guid.NewGuid():N}.lua");
        File.WriteAllText(scriptFile, program);
        try
        {
            var start = new ProcessStartInfo("lua5.1", [scriptFile])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start lua5.1");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill();
                throw new TimeoutException($"lua5.1 {scriptPath} did not finish");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"lua5.1 {scriptPath} failed ({process.ExitCode}): {error.Result}");
            }

            return JsonNode.Parse(output.Result);
        }
        finally
        {
            File.Delete(scriptFile);
        }
    }

    private static string ToLua(JsonNode? node) => node switch
    {
        null => "nil",
        JsonObject obj => "{" + string.Join(",", obj.Select(p => $"[{Quote(p.Key)}]={ToLua(p.Value)}")) + "}",
        JsonArray array => "{" + string.Join(",", array.Select(ToLua)) + "}",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => Quote(value.GetValue<string>()),
            JsonValueKind.Number => value.ToJsonString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => "nil",
        },
        _ => "nil",
    };

    private static string Quote(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in Encoding.UTF8.GetBytes(text))
        {
            builder.Append(c is >= 0x20 and < 0x7f and not (byte)'"' and not (byte)'\\' ? ((char)c).ToString() : $"\\{c:D3}");
        }

        return builder.Append('"').ToString();
    }
}
