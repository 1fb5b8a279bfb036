using System.Text.Json;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Routing.Flags;

namespace PoolOperator.UnitTests.Core;

/// <summary>The flags ConfigMap with its <c>rollout.json</c> key, recorded and written the way the flags router does.</summary>
internal sealed class SimulatedConfigMap(string name)
{
    public string Name { get; } = name;

    public bool Exists { get; set; }

    public string? RolloutJson { get; set; }

    /// <summary>Every document published, in order, as read back from <c>rollout.json</c>.</summary>
    public List<PublishedFlags> Published { get; } = [];

    public PublishedFlags? LastPublish => Published.Count == 0 ? null : Published[^1];

    public void RecordOriginal(OriginalState original) =>
        original.Flags = new OriginalFlags { ConfigMap = Name, Existed = Exists, RolloutJson = RolloutJson };

    public void Apply(PoolMigration migration, TrafficState traffic, DateTimeOffset now)
    {
        var desired = FlagsDocument.Desired(migration, traffic, now);
        var restored = traffic.RestoreOriginal && migration.Status?.Original?.Flags is { Existed: true, RolloutJson: { } original } && desired == original;
        Exists = true;
        RolloutJson = desired;
        Published.Add(PublishedFlags.Read(desired, restored ? desired : null));
    }
}

/// <summary>What one write of <c>rollout.json</c> said; <see cref="RestoreRolloutJson"/> is set when it put back the pre-migration value.</summary>
internal sealed record PublishedFlags(int V2Percent, int ShadowPercent, string Phase, IReadOnlyDictionary<string, string> Overrides, string? RestoreRolloutJson)
{
    public static PublishedFlags Read(string json, string? restored)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        int Number(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : -1;
        var overrides = root.TryGetProperty("overrides", out var pins) && pins.ValueKind == JsonValueKind.Object
            ? pins.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "")
            : [];
        var phase = root.TryGetProperty("phase", out var p) ? p.GetString() ?? "" : "";
        return new PublishedFlags(Number("v2Percent"), Number("shadowPercent"), phase, overrides, restored);
    }
}
