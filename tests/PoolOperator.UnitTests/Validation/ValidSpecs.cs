using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.UnitTests.Validation;

/// <summary>Valid specs that tests break one field at a time.</summary>
internal static class ValidSpecs
{
    /// <summary>The contract's full example.</summary>
    public static PoolMigrationSpec Full() => new()
    {
        V1 = new() { Deployment = "session-pool-v1" },
        V2 = new() { Deployment = "session-pool-v2" },
        Replicas = 10,
        Paused = false,
        ProgressDeadlineSeconds = 600,
        Stages =
        [
            new() { Name = "shadow", Shadow = new() { Percent = 100 }, Duration = "10m" },
            new() { Name = "canary-5", Weight = 5, Duration = "5m" },
            new() { Name = "canary-25", Weight = 25, Duration = "10m" },
            new() { Name = "half", Weight = 50, Approval = "Required" },
            new() { Name = "full", Weight = 100, Duration = "30m" },
        ],
        Analysis = new()
        {
            Interval = "30s",
            FailureLimit = 3,
            InconclusiveLimit = 5,
            Checks =
            [
                new()
                {
                    Name = "v2-error-rate",
                    Prometheus = new() { Address = "http://prometheus.monitoring:9090", Query = "sum(rate(errors[2m]))" },
                    Max = 0.01,
                },
                new()
                {
                    Name = "v2-latency-vs-v1",
                    Prometheus = new() { Query = "v2_p99", BaselineQuery = "v1_p99" },
                    MaxRatio = 1.2,
                },
                new() { Name = "smoke", Webhook = new() { Url = "http://smoke.test.svc/run", TimeoutSeconds = 10 } },
            ],
        },
        Rollback = new() { Automatic = true, ScaleDownDelaySeconds = 30 },
        TrafficRouting = new()
        {
            Flags = new() { ConfigMap = "session-pool-rollout", Overrides = new Dictionary<string, string> { ["session-42"] = "v2" } },
            GatewayApi = new() { HttpRoute = "session-pool", V1Service = "session-pool-v1", V2Service = "session-pool-v2" },
        },
        Completion = new() { RollbackWindowSeconds = 600 },
    };

    public static PoolMigrationSpec Minimal() => new()
    {
        V1 = new() { Deployment = "session-pool-v1" },
        V2 = new() { Deployment = "session-pool-v2" },
        Stages = [new() { Name = "all", Weight = 100 }],
    };

    public static PoolMigrationSpec WithStages(params MigrationStage[] stages)
    {
        var spec = Minimal();
        spec.Stages = stages;
        return spec;
    }

    /// <summary><paramref name="spec"/> publishing flags for the client SDK, the mirroring path shadow stages need without a route.</summary>
    public static PoolMigrationSpec Flagged(PoolMigrationSpec spec)
    {
        spec.TrafficRouting = new() { Flags = new() { ConfigMap = "session-pool-rollout" } };
        return spec;
    }

    public static MigrationStage Weight(string name, int weight) => new() { Name = name, Weight = weight };

    public static MigrationStage Shadow(string name, int percent) => new() { Name = name, Shadow = new() { Percent = percent } };

    public static PoolMigrationSpec WithCheck(AnalysisCheck check)
    {
        var spec = Minimal();
        spec.Analysis = new() { Checks = [check] };
        return spec;
    }
}
