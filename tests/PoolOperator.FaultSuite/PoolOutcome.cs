namespace PoolOperator.FaultSuite;

/// <summary>How one migration ended, against what its V2's health dictates.</summary>
internal sealed record PoolOutcome(PoolPlan Plan, string Phase, bool Correct, bool Final, string Detail);
