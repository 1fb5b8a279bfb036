using System.Text.Json.Serialization;

namespace PoolOperator.Client;

/// <summary>How a V2 result differs from V1's, most serious first.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DifferenceKind>))]
public enum DifferenceKind
{
    /// <summary>One side succeeded and the other threw.</summary>
    ErrorVsSuccess,

    /// <summary>Both threw, with different exception types.</summary>
    ExceptionType,

    /// <summary>V2 did not finish within the shadow timeout.</summary>
    Timeout,

    /// <summary>The same path holds different JSON kinds (string vs number, object vs array, ...).</summary>
    Type,

    /// <summary>A property or array item V1 has and V2 lacks.</summary>
    Missing,

    /// <summary>A property or array item V2 has and V1 lacks.</summary>
    Extra,

    /// <summary>Same kind, different value.</summary>
    Value,
}
