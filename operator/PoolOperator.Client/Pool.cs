using System.Text.Json.Serialization;

namespace PoolOperator.Client;

/// <summary>The two implementations a migration moves between.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Pool>))]
public enum Pool
{
    /// <summary>The implementation being retired; everything goes here when in doubt.</summary>
    V1,

    /// <summary>The implementation being introduced.</summary>
    V2,
}
