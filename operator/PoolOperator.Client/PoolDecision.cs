namespace PoolOperator.Client;

/// <summary>Where one call for a session goes.</summary>
/// <param name="Pool">The pool that answers the call.</param>
/// <param name="Reason">Which rule decided it.</param>
/// <param name="Shadow">True when V2 should also run the call in the background for comparison (only when V1 answers).</param>
public readonly record struct PoolDecision(Pool Pool, DecisionReason Reason, bool Shadow);
