using System.Collections.Frozen;

namespace PoolOperator.Client;

/// <summary>
/// The flag state the operator publishes in the ConfigMap key <c>rollout.json</c>. <see cref="None"/> stands for
/// "no valid document seen yet", in which every session goes to V1.
/// </summary>
public sealed record RolloutFlags
{
    /// <summary>The state before any valid document: everything on V1, nothing shadowed.</summary>
    public static RolloutFlags None { get; } = new()
    {
        Migration = "",
        Phase = "",
        Overrides = FrozenDictionary<string, Pool>.Empty,
        IsDocument = false,
    };

    /// <summary>The PoolMigration that published the document, <c>namespace/name</c>.</summary>
    public required string Migration { get; init; }

    /// <summary>The PoolMigration's <c>metadata.generation</c> when the document was written.</summary>
    public long Generation { get; init; }

    /// <summary>Share of sessions (0–100) that go to V2.</summary>
    public int V2Percent { get; init; }

    /// <summary>Share of V1 sessions (0–100) whose calls are also run on V2 in the background and compared.</summary>
    public int ShadowPercent { get; init; }

    /// <summary>The migration's phase, e.g. <c>Progressing</c> or <c>RolledBack</c>.</summary>
    public required string Phase { get; init; }

    /// <summary>Per-session pins from the PoolMigration's <c>trafficRouting.flags.overrides</c>.</summary>
    public required IReadOnlyDictionary<string, Pool> Overrides { get; init; }

    /// <summary>When the operator wrote the document.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>False only for <see cref="None"/>.</summary>
    public bool IsDocument { get; init; } = true;

    /// <summary>True in RollingBack and RolledBack, when every session goes to V1.</summary>
    public bool IsRollback => RolloutPhases.IsRollback(Phase);

    /// <summary>The share of sessions on V2 the SDK actually applies: 0 during a rollback.</summary>
    public int EffectiveV2Percent => IsRollback ? 0 : V2Percent;

    /// <summary>The shadow share the SDK actually applies: 0 during a rollback.</summary>
    public int EffectiveShadowPercent => IsRollback ? 0 : ShadowPercent;
}
