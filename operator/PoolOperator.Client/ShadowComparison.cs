namespace PoolOperator.Client;

/// <summary>One finished shadow comparison.</summary>
/// <param name="SessionKey">The session the call belonged to.</param>
/// <param name="Operation">The operation name given to the call, or empty.</param>
/// <param name="V1">What V1 did (the answer the caller got).</param>
/// <param name="V2">What V2 did in the background.</param>
/// <param name="Result">The comparison's verdict.</param>
/// <param name="V2Duration">How long V2 took, up to the timeout.</param>
/// <param name="At">When the comparison finished.</param>
public sealed record ShadowComparison(
    string SessionKey,
    string Operation,
    CallOutcome V1,
    CallOutcome V2,
    ComparisonResult Result,
    TimeSpan V2Duration,
    DateTimeOffset At);
