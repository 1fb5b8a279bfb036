using k8s.Models;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Kubectl.Tests;

/// <summary>A migration shaped like the contract's example, with the status the operator would have written.</summary>
internal static class Migrations
{
    public static readonly DateTime Start = new(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc);

    public static PoolMigration Standard(PoolMigrationStatus? status = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "session-pool", NamespaceProperty = "shop", Annotations = new Dictionary<string, string>() },
        Spec = new PoolMigrationSpec
        {
            V1 = new PoolReference { Deployment = "session-pool-v1" },
            V2 = new PoolReference { Deployment = "session-pool-v2" },
            Replicas = 10,
            Stages =
            [
                new MigrationStage { Name = "shadow", Shadow = new ShadowSpec { Percent = 100 }, Duration = "10m" },
                new MigrationStage { Name = "canary-5", Weight = 5, Duration = "5m" },
                new MigrationStage { Name = "canary-25", Weight = 25, Duration = "10m" },
                new MigrationStage { Name = "half", Weight = 50, Approval = "Required" },
                new MigrationStage { Name = "full", Weight = 100, Duration = "30m" },
            ],
            Analysis = new AnalysisSpec
            {
                Interval = "30s",
                FailureLimit = 3,
                Checks = [new AnalysisCheck { Name = "v2-error-rate", Prometheus = new PrometheusCheck { Query = "q" }, Max = 0.01 }],
            },
            Completion = new CompletionSpec { RollbackWindowSeconds = 600 },
        },
        Status = status,
    };

    /// <summary>At canary-25, ready since two minutes, the error-rate check passing at 0.004.</summary>
    public static PoolMigrationStatus AtCanary25() => new()
    {
        Phase = "Progressing",
        Run = 1,
        StageIndex = 2,
        StageName = "canary-25",
        StageStartedAt = Start.AddMinutes(15),
        StageReadyAt = Start.AddMinutes(16),
        Weight = 25,
        V1 = new PoolReplicaStatus { Replicas = 7, ReadyReplicas = 7 },
        V2 = new PoolReplicaStatus { Replicas = 3, ReadyReplicas = 2 },
        Analysis = new AnalysisStatus
        {
            Checks = [new CheckStatus { Name = "v2-error-rate", Verdict = "Pass", Value = 0.004, MeasuredAt = Start.AddMinutes(17), ConsecutiveFailures = 0 }],
        },
        History =
        [
            new RunRecord
            {
                Run = 1,
                Reason = "Started",
                StartedAt = Start,
                Stages =
                [
                    Stage(0, "shadow", 0, 100, 0, 10, "Passed"),
                    Stage(1, "canary-5", 5, 0, 10, 15, "Passed"),
                    Stage(2, "canary-25", 25, 0, 15, null, null),
                ],
            },
        ],
    };

    public static StageRecord Stage(int index, string name, int weight, int shadow, int startMinute, int? endMinute, string? outcome) => new()
    {
        Index = index,
        Name = name,
        Weight = weight,
        ShadowPercent = shadow,
        StartedAt = Start.AddMinutes(startMinute),
        ReadyAt = endMinute is null ? null : Start.AddMinutes(startMinute + 1),
        EndedAt = endMinute is { } end ? Start.AddMinutes(end) : null,
        Outcome = outcome,
        Checks = endMinute is null ? [] : [new CheckRecord { Name = "v2-error-rate", Verdict = "Pass", Value = 0.001 * (index + 1), MeasuredAt = Start.AddMinutes(endMinute.Value) }],
    };
}
