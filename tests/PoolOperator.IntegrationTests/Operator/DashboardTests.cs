using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Http;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Analysis;
using PoolOperator.IntegrationTests.Chart;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// The Grafana dashboard's queries, run by the real Prometheus against what it scraped from a real operator that
/// completed one migration and rolled another back: every query is valid PromQL and every panel has data.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DashboardTests(ClusterFixture cluster, PrometheusFixture prometheus, ITestOutputHelper output) : IClassFixture<PrometheusFixture>
{
    private const string Job = "pool-operator";

    private static readonly string DashboardPath = RepositoryFiles.PathOf("charts", "pool-operator", "dashboards", "pool-operator.json");

    [Fact]
    public async Task EveryPanelsQueryReturnsDataFromAScrapedOperator()
    {
        var ns = await cluster.CreateNamespaceAsync("dashboard");
        await using var smoke = await LocalHttpServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return Task.CompletedTask;
        });
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");
        await prometheus.ScrapeAsync(Job, instance.BaseAddress);
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("done", 2);
        await kit.CreatePoolAsync("stopped", 2);

        var done = MigrationKit.Migration("done");
        done.Spec.Analysis!.Checks = [AnalysisMigrations.WebhookCheck(smoke.Address)];
        await kit.CreateAsync(done);
        await kit.CreateAsync(MigrationKit.Migration("stopped", new MigrationStage { Name = "canary", Weight = 50, Approval = "Required" }, new MigrationStage { Name = "full", Weight = 100 }));
        await kit.WaitForPhaseAsync("done", Phases.Completed, TimeSpan.FromSeconds(90));
        await kit.WaitForPhaseAsync("stopped", Phases.AwaitingApproval, TimeSpan.FromSeconds(90));
        await kit.AnnotateAsync("stopped", ActionAnnotations.Abort, "now");
        await kit.WaitForPhaseAsync("stopped", Phases.RolledBack, TimeSpan.FromSeconds(90));
        await cluster.WaitForAsync(
            async () => await prometheus.QueryAsync($"sum(pooloperator_migrations{{job=\"{Job}\",phase=\"RolledBack\"}})") == 1,
            TimeSpan.FromSeconds(30),
            "Prometheus has scraped the rolled-back migration");

        var dashboard = JsonNode.Parse(await File.ReadAllTextAsync(DashboardPath))!;
        var queries = dashboard["panels"]!.AsArray()
            .SelectMany(panel => panel!["targets"]!.AsArray().Select(target => (Panel: panel["title"]!.GetValue<string>(), Expr: target!["expr"]!.GetValue<string>())))
            .ToList();
        Assert.True(queries.Count >= 10, $"the dashboard has {queries.Count} queries");
        var empty = new List<string>();
        foreach (var (panel, expr) in queries)
        {
            var (status, results) = await QueryAsync(Substitute(expr));
            output.WriteLine($"{panel}: {results} series");
            Assert.True(status == "success", $"panel '{panel}': {expr} was refused by Prometheus");
            if (results == 0)
            {
                empty.Add(panel);
            }
        }

        Assert.True(empty.Count == 0, "panels without data: " + string.Join(", ", empty));
        var migrations = await LabelValuesAsync("migration", $"pooloperator_migration_weight_percent{{job=\"{Job}\"}}");
        Assert.Contains($"{ns}/done", migrations);
    }

    [Fact]
    public async Task TheChartShipsTheDashboardAsAConfigMapForGrafanasSidecar()
    {
        var (exitCode, text) = await Helm.RunAsync("template", "ops", Helm.ChartDirectory, "--namespace", "ops", "--set", "grafanaDashboard.enabled=true");
        Assert.True(exitCode == 0, text);

        var configMap = KubernetesYaml.LoadAllFromString(text).OfType<k8s.Models.V1ConfigMap>().Single(c => c.Metadata.Name.EndsWith("-dashboard", StringComparison.Ordinal));
        Assert.Equal("1", configMap.Metadata.Labels["grafana_dashboard"]);
        var shipped = JsonNode.Parse(configMap.Data["pool-operator.json"])!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(await File.ReadAllTextAsync(DashboardPath)), shipped), "the ConfigMap carries dashboards/pool-operator.json unchanged");
    }

    // Grafana's variables, as an "All" selection and a typical rate window.
    private static string Substitute(string expr) => expr
        .Replace("$job", ".*", StringComparison.Ordinal)
        .Replace("$migration", ".*", StringComparison.Ordinal)
        .Replace("$__rate_interval", "1m", StringComparison.Ordinal);

    private async Task<(string Status, int Results)> QueryAsync(string query)
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri(prometheus.Address, $"/api/v1/query?query={Uri.EscapeDataString(query)}"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var status = json.RootElement.GetProperty("status").GetString()!;
        return response.StatusCode == HttpStatusCode.OK
            ? (status, json.RootElement.GetProperty("data").GetProperty("result").GetArrayLength())
            : (status, 0);
    }

    private async Task<IReadOnlyList<string>> LabelValuesAsync(string label, string match)
    {
        using var http = new HttpClient();
        var body = await http.GetStringAsync(new Uri(prometheus.Address, $"/api/v1/label/{label}/values?match[]={Uri.EscapeDataString(match)}"));
        using var json = JsonDocument.Parse(body);
        return [.. json.RootElement.GetProperty("data").EnumerateArray().Select(v => v.GetString()!)];
    }
}
