using System.Text.Json.Serialization;

namespace PoolOperator.Routing.Flags;

/// <summary>The <c>rollout.json</c> document the client SDK reads.</summary>
public sealed record RolloutDocument(
    [property: JsonPropertyName("migration")] string Migration,
    [property: JsonPropertyName("generation")] long Generation,
    [property: JsonPropertyName("v2Percent")] int V2Percent,
    [property: JsonPropertyName("shadowPercent")] int ShadowPercent,
    [property: JsonPropertyName("phase")] string Phase,
    [property: JsonPropertyName("overrides")] IReadOnlyDictionary<string, string> Overrides,
    [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt);
