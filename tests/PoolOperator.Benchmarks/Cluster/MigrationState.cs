using System.Text.Json;

namespace PoolOperator.Benchmarks.Cluster;

/// <summary>What the benchmark saw of one PoolMigration through its watch, each moment on the benchmark's clock.</summary>
internal sealed class MigrationState
{
    /// <summary>When a version with a <c>status.phase</c> was first seen.</summary>
    public DateTimeOffset? FirstStatusAt { get; set; }

    /// <summary>When each phase was first seen.</summary>
    public Dictionary<string, DateTimeOffset> PhaseFirstSeen { get; } = new(StringComparer.Ordinal);

    /// <summary>Every distinct (phase, stage) the status went through, in order, with when it was seen.</summary>
    public List<(string Phase, string Stage, DateTimeOffset At)> Steps { get; } = [];

    /// <summary>Every status change seen, with the status fields it changed (<see cref="StatusDiff"/>).</summary>
    public List<(DateTimeOffset At, IReadOnlyList<string> Fields)> StatusChanges { get; } = [];

    /// <summary>The last status seen, to tell what the next version changed.</summary>
    public JsonElement? LastStatus { get; set; }

    public string? Phase => Steps.Count == 0 ? null : Steps[^1].Phase;

    /// <summary>The verdict and message of check <paramref name="name"/> in the last status seen, or nulls without one.</summary>
    public (string? Verdict, string? Message) Check(string name)
    {
        if (LastStatus is { ValueKind: JsonValueKind.Object } status
            && status.TryGetProperty("analysis", out var analysis) && analysis.ValueKind == JsonValueKind.Object
            && analysis.TryGetProperty("checks", out var checks) && checks.ValueKind == JsonValueKind.Array)
        {
            foreach (var check in checks.EnumerateArray())
            {
                if (check.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String && n.GetString() == name)
                {
                    return (Text(check, "verdict"), Text(check, "message"));
                }
            }
        }

        return (null, null);
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
