using System.ComponentModel.DataAnnotations;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using PoolOperator.Runtime;
using Xunit;

namespace PoolOperator.IntegrationTests.Chart;

/// <summary>The chart's values per environment, its schema and its cross-field rules, rendered by the real Helm.</summary>
public sealed class ChartValuesTests
{
    [Theory]
    [InlineData("values-dev.yaml")]
    [InlineData("values-staging.yaml")]
    [InlineData("values-production.yaml")]
    public async Task EachEnvironmentsValuesFileLintsAgainstTheSchema(string valuesFile)
    {
        var (exitCode, text) = await Helm.RunAsync("lint", Helm.ChartDirectory, "--strict", "-f", Path.Combine(Helm.ChartDirectory, valuesFile));
        Assert.True(exitCode == 0, text);
    }

    [Fact]
    public async Task DevRunsOneReplicaWithoutElectionAndVerboseLogs()
    {
        var rendered = await RenderAsync("-f", Path.Combine(Helm.ChartDirectory, "values-dev.yaml"));
        var deployment = rendered.OfType<V1Deployment>().Single();

        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Equal("false", Env(deployment, "Operator__LeaderElection"));
        Assert.Equal("Debug", Env(deployment, "Logging__LogLevel__Default"));
        Assert.DoesNotContain(rendered, o => o.Kind is "PodDisruptionBudget" or "ServiceMonitor");
    }

    [Fact]
    public async Task StagingWatchesItsNamespaceWithNamespacedRbacAndSecretsOnlyThere()
    {
        var rendered = await RenderAsync("-f", Path.Combine(Helm.ChartDirectory, "values-staging.yaml"));
        var deployment = rendered.OfType<V1Deployment>().Single();

        Assert.Equal("staging", Env(deployment, "Operator__Namespaces__0"));
        Assert.DoesNotContain(rendered, o => o.Kind is "ClusterRole" or "ClusterRoleBinding");
        var role = rendered.OfType<V1Role>().Single(r => r.Namespace() == "staging");
        Assert.Contains(role.Rules, r => r.Resources.Contains("secrets") && r.Verbs.SequenceEqual(["get"]));
        Assert.Contains(rendered, o => o.Kind == "ServiceMonitor");
    }

    [Fact]
    public async Task ProductionKeepsTwoReplicasThroughDrainsWithALongerLease()
    {
        var rendered = await RenderAsync("-f", Path.Combine(Helm.ChartDirectory, "values-production.yaml"));
        var deployment = rendered.OfType<V1Deployment>().Single();

        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Equal("true", Env(deployment, "Operator__LeaderElection"));
        Assert.Equal("Warning", Env(deployment, "Logging__LogLevel__Default"));
        Assert.NotEmpty(deployment.Spec.Template.Spec.TopologySpreadConstraints);
        var budget = rendered.Single(o => o.Kind == "PodDisruptionBudget");
        Assert.Equal("policy/v1", budget.ApiVersion);
        Assert.Contains(rendered, o => o.Kind == "ServiceMonitor");

        var options = BindRuntimeOptions(deployment);
        Assert.Equal(TimeSpan.FromSeconds(60), options.LeaseDuration);
        Assert.Equal(TimeSpan.FromSeconds(40), options.RenewDeadline);
        Assert.Equal(TimeSpan.FromSeconds(5), options.RetryPeriod);
    }

    [Theory]
    [InlineData(15, 10, 2)]
    [InlineData(90, 60, 10)]
    [InlineData(600, 400, 120)]
    public async Task LeaseDurationsOfAnyLengthReachTheOperatorIntact(int lease, int renew, int retry)
    {
        var rendered = await RenderAsync(
            "--set", $"leaderElection.leaseDurationSeconds={lease}",
            "--set", $"leaderElection.renewDeadlineSeconds={renew}",
            "--set", $"leaderElection.retryPeriodSeconds={retry}");

        var options = BindRuntimeOptions(rendered.OfType<V1Deployment>().Single());

        Assert.Equal(TimeSpan.FromSeconds(lease), options.LeaseDuration);
        Assert.Equal(TimeSpan.FromSeconds(renew), options.RenewDeadline);
        Assert.Equal(TimeSpan.FromSeconds(retry), options.RetryPeriod);
        var problems = new List<ValidationResult>();
        Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true), string.Join("; ", problems));
    }

    [Fact]
    public async Task WatchingEveryNamespaceGrantsNoSecretsUnlessAskedFor()
    {
        var byDefault = await RenderAsync();
        var clusterRole = byDefault.OfType<V1ClusterRole>().Single();
        Assert.DoesNotContain(clusterRole.Rules, r => r.Resources.Contains("secrets"));
        Assert.DoesNotContain(byDefault.OfType<V1Role>(), r => r.Rules.Any(rule => rule.Resources.Contains("secrets")));

        var inTwoNamespaces = await RenderAsync("--set", "rbac.secrets.namespaces={payments,search}", "--set", "rbac.secrets.resourceNames={prometheus-token}");
        Assert.DoesNotContain(inTwoNamespaces.OfType<V1ClusterRole>().Single().Rules, r => r.Resources.Contains("secrets"));
        var secretRoles = inTwoNamespaces.OfType<V1Role>().Where(r => r.Rules.Any(rule => rule.Resources.Contains("secrets"))).ToList();
        Assert.Equal(["payments", "search"], secretRoles.Select(r => r.Namespace()).Order());
        Assert.All(secretRoles, r => Assert.Equal(["prometheus-token"], r.Rules.Single().ResourceNames));
        Assert.Equal(2, inTwoNamespaces.OfType<V1RoleBinding>().Count(b => b.RoleRef.Name.EndsWith("-secrets", StringComparison.Ordinal)));

        var everywhere = await RenderAsync("--set", "rbac.secrets.clusterWide=true");
        Assert.Contains(everywhere.OfType<V1ClusterRole>().Single().Rules, r => r.Resources.Contains("secrets") && r.Verbs.SequenceEqual(["get"]));
    }

    [Fact]
    public async Task ThePodDisruptionBudgetFallsBackToV1beta1BeforeKubernetes121()
    {
        var rendered = await RenderAsync("--kube-version", "1.20.2", "--set", "podDisruptionBudget.enabled=true");

        Assert.Equal("policy/v1beta1", rendered.Single(o => o.Kind == "PodDisruptionBudget").ApiVersion);
    }

    [Theory]
    [InlineData("replicas=3", "additional properties 'replicas' not allowed")]
    [InlineData("leaderElection.leaseDurationSeconds=1", "/leaderElection/leaseDurationSeconds")]
    [InlineData("logLevel=Verbose", "/logLevel")]
    [InlineData("watchNamespaces={Team_A}", "/watchNamespaces/0")]
    [InlineData("kubernetesClient.qps=0", "/kubernetesClient/qps")]
    [InlineData("analysis.defaultPrometheusAddress=prometheus:9090", "/analysis/defaultPrometheusAddress")]
    [InlineData("leaderElection.renewDeadlineSeconds=20", "leaderElection.leaseDurationSeconds (15) must be greater than leaderElection.renewDeadlineSeconds (20)")]
    [InlineData("leaderElection.retryPeriodSeconds=9", "leaderElection.renewDeadlineSeconds (10) must be greater than 1.2 x leaderElection.retryPeriodSeconds (9)")]
    [InlineData("leaderElection.enabled=false", "replicaCount is 2 but leaderElection.enabled is false")]
    public async Task BadValuesAreRefusedNamingTheValue(string assignment, string expected)
    {
        var (exitCode, text) = await Helm.RunAsync("template", "ops", Helm.ChartDirectory, "--namespace", "ops", "--set", assignment);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterWideSecretsAreRefusedForANamespacedOperator()
    {
        var (exitCode, text) = await Helm.RunAsync("template", "ops", Helm.ChartDirectory, "--namespace", "ops",
            "--set", "watchNamespaces={team-a}", "--set", "rbac.secrets.clusterWide=true");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("rbac.secrets.clusterWide is true but watchNamespaces is set", text, StringComparison.Ordinal);
    }

    private static async Task<List<IKubernetesObject>> RenderAsync(params string[] args)
    {
        var (exitCode, text) = await Helm.RunAsync(["template", "ops", Helm.ChartDirectory, "--namespace", "ops", .. args]);
        Assert.True(exitCode == 0, text);
        var typeMap = new Dictionary<string, Type>
        {
            ["apps/v1/Deployment"] = typeof(V1Deployment),
            ["rbac.authorization.k8s.io/v1/ClusterRole"] = typeof(V1ClusterRole),
            ["rbac.authorization.k8s.io/v1/ClusterRoleBinding"] = typeof(V1ClusterRoleBinding),
            ["rbac.authorization.k8s.io/v1/Role"] = typeof(V1Role),
            ["rbac.authorization.k8s.io/v1/RoleBinding"] = typeof(V1RoleBinding),
            ["v1/ServiceAccount"] = typeof(V1ServiceAccount),
            ["v1/Service"] = typeof(V1Service),
            ["policy/v1/PodDisruptionBudget"] = typeof(V1PodDisruptionBudget),
            ["policy/v1beta1/PodDisruptionBudget"] = typeof(KubernetesObjectWithMetadata),
            ["monitoring.coreos.com/v1/ServiceMonitor"] = typeof(KubernetesObjectWithMetadata),
        };
        return [.. KubernetesYaml.LoadAllFromString(text, typeMap).Cast<IKubernetesObject>()];
    }

    private static string? Env(V1Deployment deployment, string name) =>
        deployment.Spec.Template.Spec.Containers.Single().Env.SingleOrDefault(e => e.Name == name)?.Value;

    /// <summary>Binds the rendered environment the way the operator's host does (double underscore = section).</summary>
    private static OperatorRuntimeOptions BindRuntimeOptions(V1Deployment deployment)
    {
        var settings = deployment.Spec.Template.Spec.Containers.Single().Env
            .Where(e => e.Value is not null)
            .ToDictionary(e => e.Name.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return configuration.GetSection(OperatorRuntimeOptions.SectionName).Get<OperatorRuntimeOptions>()
            ?? throw new InvalidOperationException("the rendered Deployment sets no Operator__ settings");
    }
}
