using System.Globalization;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.LocalCluster;

namespace PoolOperator.FaultSuite;

/// <summary>The objects of one pool: its two Deployments and its PoolMigration, shaped by the pool's kind.</summary>
internal static class MigrationFactory
{
    public const int Replicas = 4;

    public static V1Deployment Deployment(string ns, PoolPlan pool, bool v2)
    {
        var labels = new Dictionary<string, string> { ["app"] = pool.Name, ["track"] = v2 ? "v2" : "v1" };
        var behaviour = !v2 ? "ready" : pool.Kind switch
        {
            PoolKind.CrashLoop => "crash-loop",
            PoolKind.NeverReady => "never-ready",
            _ => "ready",
        };
        return new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = v2 ? pool.V2 : pool.V1, NamespaceProperty = ns, Labels = labels },
            Spec = new V1DeploymentSpec
            {
                Replicas = v2 ? 0 : Replicas,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels, Annotations = new Dictionary<string, string> { [SimulatedKubelet.BehaviourAnnotation] = behaviour } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "pool", Image = "registry.invalid/pool:" + (v2 ? "v2" : "v1") }] },
                },
            },
        };
    }

    public static PoolMigration Migration(string ns, PoolPlan pool, FaultSuiteOptions options, Uri prometheus, Uri hangingWebhook)
    {
        var stage = Seconds(options.StageDuration);
        var lastStage = Seconds(options.StageDuration * 0.6);
        var checks = new List<AnalysisCheck>
        {
            new()
            {
                Name = "v2-error-ratio",
                Prometheus = new PrometheusCheck
                {
                    Address = prometheus.ToString(),
                    Query = $"{AnalysisEndpoints.ErrorRatioMetric}{{pool=\"{pool.Name}\"}}",
                },
                Max = 0.05,
            },
        };
        if (pool.Kind == PoolKind.HangingWebhook)
        {
            checks.Add(new AnalysisCheck { Name = "smoke", Webhook = new WebhookCheck { Url = hangingWebhook.ToString(), TimeoutSeconds = 2 } });
        }

        return new PoolMigration
        {
            Metadata = new V1ObjectMeta { Name = pool.Name, NamespaceProperty = ns },
            Spec = new PoolMigrationSpec
            {
                V1 = new PoolReference { Deployment = pool.V1 },
                V2 = new PoolReference { Deployment = pool.V2 },
                Replicas = Replicas,
                ProgressDeadlineSeconds = options.ProgressDeadlineSeconds,
                Stages =
                [
                    new MigrationStage { Name = "canary-25", Weight = 25, Duration = stage },
                    new MigrationStage { Name = "half", Weight = 50, Duration = stage },
                    new MigrationStage { Name = "full", Weight = 100, Duration = lastStage },
                ],
                // Three inconclusive measurements in a row (6 s) pause a migration: the Prometheus outage pauses
                // every migration still being judged, and its end must let them go on.
                Analysis = new AnalysisSpec { Interval = "2s", FailureLimit = 2, InconclusiveLimit = 3, Checks = checks },
                Rollback = new RollbackSpec { ScaleDownDelaySeconds = 2 },
                Completion = new CompletionSpec { RollbackWindowSeconds = options.RollbackWindowSeconds },
            },
        };
    }

    private static string Seconds(TimeSpan duration) => ((int)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";
}
