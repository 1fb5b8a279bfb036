using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// Reads and writes keys in the local control plane's etcd through etcd's JSON gateway, so a test can change
/// objects while the apiserver is down. Custom resources are stored as plain JSON under
/// <c>/registry/&lt;group&gt;/&lt;plural&gt;/&lt;namespace&gt;/&lt;name&gt;</c>.
/// </summary>
internal sealed class EtcdStore(Uri etcd) : IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = etcd, Timeout = TimeSpan.FromSeconds(10) };

    public static string CustomResourceKey(string group, string plural, string ns, string name) => $"/registry/{group}/{plural}/{ns}/{name}";

    public async Task<JsonObject?> GetAsync(string key)
    {
        using var response = await http.PostAsJsonAsync("v3/kv/range", new { key = Encode(key) }).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>().ConfigureAwait(false);
        if (body?["kvs"] is not JsonArray { Count: > 0 } kvs)
        {
            return null;
        }

        var value = Encoding.UTF8.GetString(Convert.FromBase64String((string)kvs[0]!["value"]!));
        return JsonNode.Parse(value)!.AsObject();
    }

    public async Task PutAsync(string key, JsonObject value)
    {
        using var response = await http.PostAsJsonAsync("v3/kv/put", new { key = Encode(key), value = Encode(value.ToJsonString()) }).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public void Dispose() => http.Dispose();

    private static string Encode(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
