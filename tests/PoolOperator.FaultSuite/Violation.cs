namespace PoolOperator.FaultSuite;

/// <summary>One broken invariant: which, on what object, when (UTC, and seconds into the run), and what was seen.</summary>
internal sealed record Violation(DateTimeOffset At, TimeSpan IntoRun, string Invariant, string Object, string Detail);
