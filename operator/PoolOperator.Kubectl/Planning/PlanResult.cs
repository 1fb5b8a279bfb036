namespace PoolOperator.Kubectl.Planning;

/// <summary>
/// The preflight's answer: findings, the stage timeline with the shortest total duration (approval gates add the
/// time a person takes), and the peak capacity the migration needs at any moment.
/// </summary>
internal sealed record PlanResult(
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<TimelineStage> Timeline,
    TimeSpan RollbackWindow,
    TimeSpan TotalDuration,
    PeakCapacity? Peak)
{
    public bool Blocked => Findings.Any(f => f.Severity == Severity.Blocking);
}

/// <summary>The most pods (and their requests) both pools hold at once: capacity first keeps V1 up until V2 is Ready.</summary>
internal sealed record PeakCapacity(string During, int V1Pods, int V2Pods, decimal CpuCores, decimal MemoryBytes);
