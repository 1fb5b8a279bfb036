using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

/// <summary>The spec with every default applied and every duration parsed, in one place.</summary>
internal sealed record MigrationPlan(
    IReadOnlyList<PlannedStage> Stages,
    bool Paused,
    TimeSpan ProgressDeadline,
    TimeSpan AnalysisInterval,
    int FailureLimit,
    int InconclusiveLimit,
    IReadOnlyList<AnalysisCheck> Checks,
    bool AutomaticRollback,
    TimeSpan ScaleDownDelay,
    TimeSpan RollbackWindow,
    FlagsRouting? Flags,
    GatewayApiRouting? GatewayApi)
{
    public const int DefaultProgressDeadlineSeconds = 600;
    public static readonly TimeSpan DefaultAnalysisInterval = TimeSpan.FromSeconds(30);
    public const int DefaultFailureLimit = 3;
    public const int DefaultInconclusiveLimit = 5;
    public const int DefaultScaleDownDelaySeconds = 30;
    public const int DefaultRollbackWindowSeconds = 600;

    public static MigrationPlan From(PoolMigrationSpec spec)
    {
        var stages = spec.Stages.Select((stage, index) => new PlannedStage(
            index,
            stage.Name,
            stage.Shadow is null ? stage.Weight ?? 0 : 0,
            stage.Shadow?.Percent ?? 0,
            ParseOrZero(stage.Duration),
            string.Equals(stage.Approval, "Required", StringComparison.Ordinal))).ToList();

        var interval = spec.Analysis?.Interval is { } text && DurationParser.TryParseDuration(text, out var parsed) && parsed > TimeSpan.Zero
            ? parsed
            : DefaultAnalysisInterval;

        return new MigrationPlan(
            stages,
            spec.Paused ?? false,
            TimeSpan.FromSeconds(spec.ProgressDeadlineSeconds ?? DefaultProgressDeadlineSeconds),
            interval,
            Math.Max(1, spec.Analysis?.FailureLimit ?? DefaultFailureLimit),
            Math.Max(1, spec.Analysis?.InconclusiveLimit ?? DefaultInconclusiveLimit),
            spec.Analysis?.Checks?.ToList() ?? [],
            spec.Rollback?.Automatic ?? true,
            TimeSpan.FromSeconds(Math.Max(0, spec.Rollback?.ScaleDownDelaySeconds ?? DefaultScaleDownDelaySeconds)),
            TimeSpan.FromSeconds(Math.Max(0, spec.Completion?.RollbackWindowSeconds ?? DefaultRollbackWindowSeconds)),
            spec.TrafficRouting?.Flags,
            spec.TrafficRouting?.GatewayApi);
    }

    private static TimeSpan ParseOrZero(string? duration) =>
        duration is not null && DurationParser.TryParseDuration(duration, out var value) ? value : TimeSpan.Zero;
}
