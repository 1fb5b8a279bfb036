using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.LocalCluster;

namespace PoolOperator.Demo;

/// <summary>The demo's pool: ten V1 pods, an empty V2, and a migration with short stages and one gate.</summary>
internal static class DemoScenario
{
    public const string Namespace = "demo";
    public const string MigrationName = "session-pool";
    public const string V1 = "session-pool-v1";
    public const string V2 = "session-pool-v2";
    public const string FlagsConfigMap = "session-pool-rollout";
    public const int Replicas = 10;

    public static V1Deployment Deployment(string name, string track, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace, Labels = Labels(track) },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = Labels(track) },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta
                {
                    Labels = Labels(track),
                    Annotations = new Dictionary<string, string> { [SimulatedKubelet.BehaviourAnnotation] = "ready" },
                },
                Spec = new V1PodSpec
                {
                    Containers = [new V1Container { Name = "session-pool", Image = $"registry.example/session-pool:{track}" }],
                },
            },
        },
    };

    public static PoolMigration Migration() => new()
    {
        Metadata = new V1ObjectMeta { Name = MigrationName, NamespaceProperty = Namespace },
        Spec = new PoolMigrationSpec
        {
            V1 = new PoolReference { Deployment = V1 },
            V2 = new PoolReference { Deployment = V2 },
            Replicas = Replicas,
            ProgressDeadlineSeconds = 60,
            Stages =
            [
                new MigrationStage { Name = "shadow", Shadow = new ShadowSpec { Percent = 100 }, Duration = "2s" },
                new MigrationStage { Name = "canary-5", Weight = 5, Duration = "2s" },
                new MigrationStage { Name = "canary-25", Weight = 25, Duration = "2s" },
                new MigrationStage { Name = "half", Weight = 50, Duration = "1s", Approval = "Required" },
                new MigrationStage { Name = "full", Weight = 100, Duration = "2s" },
            ],
            Analysis = new AnalysisSpec { Interval = "1s", FailureLimit = 3, InconclusiveLimit = 5 },
            Rollback = new RollbackSpec { Automatic = true, ScaleDownDelaySeconds = 2 },
            TrafficRouting = new TrafficRoutingSpec
            {
                Flags = new FlagsRouting
                {
                    ConfigMap = FlagsConfigMap,
                    Overrides = new Dictionary<string, string> { ["session-42"] = "v2" },
                },
            },
            Completion = new CompletionSpec { RollbackWindowSeconds = 3 },
        },
    };

    private static Dictionary<string, string> Labels(string track) => new() { ["app"] = "session-pool", ["track"] = track };
}
