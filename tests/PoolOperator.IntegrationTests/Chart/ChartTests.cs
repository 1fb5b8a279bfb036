using k8s;
using k8s.Models;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.IntegrationTests.Operator;
using PoolOperator.LocalCluster;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Chart;

[Collection(ClusterCollection.Name)]
public sealed class ChartTests(ClusterFixture cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task TheChartLints()
    {
        var (exitCode, text) = await Helm.RunAsync("lint", Helm.ChartDirectory);
        output.WriteLine(text);
        Assert.True(exitCode == 0, text);
    }

    [Fact]
    public void TheChartShipsTheSameCrdAsTheCrdsFolder()
    {
        var root = ControlPlaneBinaries.FindRepositoryRoot()!;
        var source = File.ReadAllText(Path.Combine(root, "crds", "poolmigrations.pooloperator.io.yaml"));
        var shipped = File.ReadAllText(Path.Combine(Helm.ChartDirectory, "crds", "poolmigrations.pooloperator.io.yaml"));
        Assert.True(source == shipped, "charts/pool-operator/crds/ differs from crds/: copy crds/poolmigrations.pooloperator.io.yaml into the chart");
    }

    [Fact]
    public async Task WatchingNamespacesRendersNamespacedRolesInsteadOfAClusterRole()
    {
        var (exitCode, text) = await Helm.RunAsync("template", "ops", Helm.ChartDirectory, "--namespace", "ops", "--set", "watchNamespaces={team-a,team-b}");
        Assert.True(exitCode == 0, text);
        Assert.DoesNotContain("kind: ClusterRole", text, StringComparison.Ordinal);
        Assert.Contains("namespace: team-a", text, StringComparison.Ordinal);
        Assert.Contains("namespace: team-b", text, StringComparison.Ordinal);
        Assert.Contains("Operator__Namespaces__1", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// Installs the chart for real (with its disruption budget, in the API version this 1.20 server serves), then runs
    /// the operator with the chart's ServiceAccount token: the RBAC the chart grants is all a migration needs, leader
    /// election included, and no more (no Secrets by default).
    /// </summary>
    [Fact]
    public async Task TheChartsServiceAccountCanRunAMigrationToCompletion()
    {
        var operatorNamespace = await cluster.CreateNamespaceAsync("chart-ops");
        var workNamespace = await cluster.CreateNamespaceAsync("chart-work");
        var release = operatorNamespace;
        var (exitCode, text) = await Helm.RunAsync("install", release, Helm.ChartDirectory, "--namespace", operatorNamespace,
            "--kubeconfig", cluster.KubeconfigPath, "--set", "replicaCount=0", "--set", "podDisruptionBudget.enabled=true");
        output.WriteLine(text);
        Assert.True(exitCode == 0, text);
        try
        {
            var serviceAccount = $"{release}-pool-operator";
            var credentials = await cluster.CreateServiceAccountConfigAsync(operatorNamespace, serviceAccount);
            using (var asOperator = new Kubernetes(credentials))
            {
                var secrets = await asOperator.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(new V1SelfSubjectAccessReview
                {
                    Spec = new V1SelfSubjectAccessReviewSpec
                    {
                        ResourceAttributes = new V1ResourceAttributes { NamespaceProperty = workNamespace, Verb = "get", Resource = "secrets" },
                    },
                });
                Assert.False(secrets.Status.Allowed, "by default the chart must not let the operator read Secrets of a namespace it was not told about");

                // Deletes: exactly what a cleanup removes (V1's Deployment, HPA, Service, the flags ConfigMap), nothing else.
                foreach (var (group, resource, allowed) in new[]
                {
                    ("apps", "deployments", true), ("autoscaling", "horizontalpodautoscalers", true), ("", "services", true), ("", "configmaps", true),
                    ("", "pods", false), ("apps", "replicasets", false), ("pooloperator.io", "poolmigrations", false), ("gateway.networking.k8s.io", "httproutes", false),
                    ("", "secrets", false), ("policy", "poddisruptionbudgets", false),
                })
                {
                    var review = await asOperator.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(new V1SelfSubjectAccessReview
                    {
                        Spec = new V1SelfSubjectAccessReviewSpec
                        {
                            ResourceAttributes = new V1ResourceAttributes { NamespaceProperty = workNamespace, Verb = "delete", Group = group, Resource = resource },
                        },
                    });
                    Assert.True(review.Status.Allowed == allowed, $"delete {resource}.{group}: allowed {review.Status.Allowed}, expected {allowed}");
                }
            }

            var kit = new MigrationKit(cluster, workNamespace);
            await kit.CreatePoolAsync("pool", 3);
            await using var instance = await OperatorInstance.StartAsync(credentials, leaderElection: true,
                $"Operator:Namespaces:0={workNamespace}", $"Operator:LeaseNamespace={operatorNamespace}", $"Operator:LeaseName={release}-leader");

            var migration = MigrationKit.Migration("pool");
            migration.Spec.TrafficRouting = new() { Flags = new() { ConfigMap = "pool-rollout" } };
            migration.Spec.Completion!.Cleanup = new() { Policy = "Delete", DeleteFlagsConfigMap = true };
            await kit.CreateAsync(migration);
            var done = await kit.WaitForAsync("pool", m => m.Status?.Cleanup?.FinishedAt is not null, TimeSpan.FromSeconds(90), "completed and cleaned up");

            Assert.Equal(100, done.Status!.Weight);
            Assert.All(done.Status.Cleanup!.Objects, o => Assert.Equal("Deleted", o.Outcome));
            Assert.Equal(2, done.Status.Cleanup.Objects.Count);
            // Events are recorded after the status write that shows them: wait for it rather than read once.
            await kit.WaitForEventAsync("pool", "Completed");
        }
        finally
        {
            await Helm.RunAsync("uninstall", release, "--namespace", operatorNamespace, "--kubeconfig", cluster.KubeconfigPath);
        }
    }
}
