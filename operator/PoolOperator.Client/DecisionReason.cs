using System.Text.Json.Serialization;

namespace PoolOperator.Client;

/// <summary>Why a session went where it went, in order of precedence.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DecisionReason>))]
public enum DecisionReason
{
    /// <summary>A pool forced in code, per call or for the whole client.</summary>
    Programmatic,

    /// <summary>The environment variable <c>POOL_MIGRATION_FORCE</c>.</summary>
    Environment,

    /// <summary>The migration is rolling back or rolled back: every session goes to V1.</summary>
    Rollback,

    /// <summary>A per-session pin in the flags document.</summary>
    SessionOverride,

    /// <summary>The session's bucket against <c>v2Percent</c>.</summary>
    Percentage,

    /// <summary>No valid flags document has been read yet: every session goes to V1.</summary>
    NoFlags,

    /// <summary>V2 was chosen but its circuit breaker is open, so the call went to V1.</summary>
    BreakerOpen,
}
