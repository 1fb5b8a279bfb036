namespace PoolOperator.FaultSuite;

/// <summary>One entry of the fault schedule: when, counted from the first migration's creation, and what.</summary>
internal sealed record ScheduledFault(TimeSpan At, string What, Func<CancellationToken, Task> Act);
