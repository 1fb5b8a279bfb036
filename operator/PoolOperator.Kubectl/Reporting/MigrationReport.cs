namespace PoolOperator.Kubectl.Reporting;

/// <summary>The post-migration report: final state, every run's timeline and checks, rollbacks, time at each weight, cleanup.</summary>
internal sealed record MigrationReport(
    string Migration,
    string Namespace,
    DateTimeOffset GeneratedAt,
    FinalState Final,
    IReadOnlyList<RunReport> Runs,
    IReadOnlyList<string> Cleanup);

internal sealed record FinalState(string Phase, string? Stage, int Weight, string V1, string V2, string? Message, DateTimeOffset? CompletedAt);

internal sealed record RunReport(
    int Run,
    string? Reason,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    string Outcome,
    IReadOnlyList<StageReport> Stages,
    RollbackReport? Rollback,
    IReadOnlyList<WeightTime> TimeAtWeight);

internal sealed record StageReport(
    string Name,
    int Weight,
    int ShadowPercent,
    DateTimeOffset? StartedAt,
    DateTimeOffset? ReadyAt,
    DateTimeOffset? EndedAt,
    string Outcome,
    IReadOnlyList<CheckReport> Checks);

internal sealed record CheckReport(string Name, string Verdict, double? Value, double? Baseline, DateTimeOffset? MeasuredAt);

internal sealed record RollbackReport(string Trigger, string Reason, DateTimeOffset? At, string? FromStage, int Weight, DateTimeOffset? CompletedAt, IReadOnlyList<CheckReport> Snapshot);

/// <summary>How long V2 had a given share of the traffic (a shadow stage counts at 0% with its shadow copy).</summary>
internal sealed record WeightTime(int Weight, int ShadowPercent, double Seconds);
