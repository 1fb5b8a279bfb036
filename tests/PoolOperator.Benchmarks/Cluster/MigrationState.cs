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

    public string? Phase => Steps.Count == 0 ? null : Steps[^1].Phase;
}
