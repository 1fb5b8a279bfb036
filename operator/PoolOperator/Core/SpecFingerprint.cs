using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

internal static class SpecFingerprint
{
    /// <summary>A short hash of everything in the spec that shapes a run; <c>paused</c> is left out because it only holds one.</summary>
    public static string Of(PoolMigrationSpec spec)
    {
        var json = JsonNode.Parse(KubernetesJson.Serialize(spec))!.AsObject();
        json.Remove("paused");
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(json.ToJsonString()));
        return Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }
}
