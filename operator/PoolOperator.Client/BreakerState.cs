using System.Text.Json.Serialization;

namespace PoolOperator.Client;

/// <summary>State of the circuit breaker on live V2 calls (the values of the <c>poolmigration.breaker.state</c> gauge).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BreakerState>))]
public enum BreakerState
{
    /// <summary>V2 gets its share of calls.</summary>
    Closed = 0,

    /// <summary>V2 failed past the threshold: its calls go to V1 until the break ends.</summary>
    Open = 1,

    /// <summary>The break ended: one trial call goes to V2 and decides whether to close or open again.</summary>
    HalfOpen = 2,

    /// <summary>Held open by hand with <see cref="PoolMigrationClient.IsolateV2Async"/>.</summary>
    Isolated = 3,
}
