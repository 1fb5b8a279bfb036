using System.Text.Json;
using PoolOperator.Core;

namespace PoolOperator.UnitTests.Core;

/// <summary>The flags ConfigMap with its <c>rollout.json</c> key, written the way the reconciler writes it.</summary>
internal sealed class SimulatedConfigMap(string name)
{
    public string Name { get; } = name;

    public bool Exists { get; set; }

    public string? RolloutJson { get; set; }

    public PublishFlags? LastPublish { get; private set; }

    public FlagsObservation Observe() => new(Name, Exists, RolloutJson);

    public void Apply(PublishFlags publish, string migration, long generation, DateTimeOffset now)
    {
        LastPublish = publish;
        Exists = true;
        RolloutJson = publish.RestoreRolloutJson ?? JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["migration"] = migration,
            ["generation"] = generation,
            ["v2Percent"] = publish.V2Percent,
            ["shadowPercent"] = publish.ShadowPercent,
            ["phase"] = publish.Phase,
            ["overrides"] = publish.Overrides,
            ["updatedAt"] = now.UtcDateTime.ToString("O"),
        });
    }
}
