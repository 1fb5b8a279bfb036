using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.UnitTests.Core;

/// <summary>PoolMigrations shaped like the contract's example, small enough to follow round by round.</summary>
internal static class TestMigrations
{
    public const string Namespace = "shop";
    public const string Name = "session-pool";
    public const string V1 = "session-pool-v1";
    public const string V2 = "session-pool-v2";
    public const string FlagsConfigMap = "session-pool-rollout";
    public const string HttpRoute = "session-pool";
    public const string ErrorRate = "v2-error-rate";
    public const string Latency = "v2-latency-vs-v1";

    /// <summary>shadow 100% → 5% → 25% → 50% (approval gate) → 100%, one error-rate check, flags and a route.</summary>
    public static PoolMigration Standard(Action<PoolMigrationSpec>? configure = null)
    {
        var spec = new PoolMigrationSpec
        {
            V1 = new PoolReference { Deployment = V1 },
            V2 = new PoolReference { Deployment = V2 },
            ProgressDeadlineSeconds = 600,
            Stages =
            [
                Shadow("shadow", 100, "2m"),
                Weight("canary-5", 5, "2m"),
                Weight("canary-25", 25, "2m"),
                Weight("half", 50, "2m", approval: true),
                Weight("full", 100, "2m"),
            ],
            Analysis = new AnalysisSpec
            {
                Interval = "30s",
                FailureLimit = 3,
                InconclusiveLimit = 3,
                Checks = [Check(ErrorRate)],
            },
            Rollback = new RollbackSpec { Automatic = true, ScaleDownDelaySeconds = 30 },
            TrafficRouting = new TrafficRoutingSpec
            {
                Flags = new FlagsRouting { ConfigMap = FlagsConfigMap, Overrides = new Dictionary<string, string> { ["session-42"] = "v2" } },
                GatewayApi = new GatewayApiRouting { HttpRoute = HttpRoute, V1Service = V1, V2Service = V2 },
            },
            Completion = new CompletionSpec { RollbackWindowSeconds = 300 },
        };
        configure?.Invoke(spec);
        return new PoolMigration
        {
            Metadata = new k8s.Models.V1ObjectMeta
            {
                Name = Name,
                NamespaceProperty = Namespace,
                Generation = 1,
                Annotations = new Dictionary<string, string>(),
            },
            Spec = spec,
        };
    }

    /// <summary>Only the replicas router: no flags, no route, no configured checks.</summary>
    public static PoolMigration Bare(params MigrationStage[] stages) => Standard(spec =>
    {
        spec.Stages = stages;
        spec.Analysis = new AnalysisSpec { Interval = "30s" };
        spec.TrafficRouting = null;
    });

    public static MigrationStage Shadow(string name, int percent, string? duration = null) =>
        new() { Name = name, Shadow = new ShadowSpec { Percent = percent }, Duration = duration };

    public static MigrationStage Weight(string name, int weight, string? duration = null, bool approval = false) =>
        new() { Name = name, Weight = weight, Duration = duration, Approval = approval ? "Required" : null };

    public static AnalysisCheck Check(string name) =>
        new() { Name = name, Prometheus = new PrometheusCheck { Query = $"{name}_query" }, Max = 0.01 };
}
