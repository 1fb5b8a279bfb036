using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Kubectl.Planning;
using Xunit;

namespace PoolOperator.Kubectl.Tests;

public sealed class PreflightTests
{
    private static V1Deployment Deployment(string name, string track, int replicas, int port = 8080, bool probe = true, string cpu = "250m") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "session-pool", ["track"] = track } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "session-pool", ["track"] = track } },
                Spec = new V1PodSpec
                {
                    Containers =
                    [
                        new V1Container
                        {
                            Name = "app",
                            Ports = [new V1ContainerPort { ContainerPort = port }],
                            ReadinessProbe = probe ? new V1Probe { HttpGet = new V1HTTPGetAction { Port = port, Path = "/ready" } } : null,
                            Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu), ["memory"] = new("128Mi") } },
                        },
                    ],
                },
            },
        },
    };

    private static V1Service Service(string name, params (string Key, string Value)[] selector) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1ServiceSpec { Selector = selector.ToDictionary(s => s.Key, s => s.Value) },
    };

    private static PlanInput Input(Action<PoolMigration>? edit = null, V1Deployment? v1 = null, V1Deployment? v2 = null, IReadOnlyList<ProbeResult>? probes = null, IReadOnlyList<V1ResourceQuota>? quotas = null)
    {
        var migration = Migrations.Standard();
        edit?.Invoke(migration);
        return new PlanInput(
            migration,
            "shop",
            v1 ?? Deployment("session-pool-v1", "v1", 10),
            v2 ?? Deployment("session-pool-v2", "v2", 0),
            [Service("session-pool", ("app", "session-pool"))],
            FlagsConfigMapExists: false,
            HttpRoute: null,
            quotas ?? [],
            probes ?? [new ProbeResult("v2-error-rate", "http://127.0.0.1:9090", true, true, "query returns 1 series now")]);
    }

    private static Finding Blocking(PlanResult result, string subject) =>
        Assert.Single(result.Findings, f => f.Severity == Severity.Blocking && f.Subject == subject);

    [Fact]
    public void A_sound_migration_passes_with_its_timeline_and_peak_capacity()
    {
        var result = Preflight.Evaluate(Input());

        Assert.False(result.Blocked, string.Join("\n", result.Findings));
        Assert.Equal(["shadow", "canary-5", "canary-25", "half", "full"], result.Timeline.Select(s => s.Name));
        Assert.Equal([0, 10, 15, 25, 25], result.Timeline.Select(s => (int)s.StartsAfter.TotalMinutes));

        // 10m + 5m + 10m + 0 (gate) + 30m, then the 10m rollback window.
        Assert.Equal(TimeSpan.FromMinutes(65), result.TotalDuration);

        // The shadow stage runs a full V2 beside a full V1: 20 pods at 250m CPU each.
        Assert.Equal(("entering shadow", 10, 10, 5m), (result.Peak!.During, result.Peak.V1Pods, result.Peak.V2Pods, result.Peak.CpuCores));
    }

    [Fact]
    public void A_missing_deployment_blocks()
    {
        var result = Preflight.Evaluate(Input() with { V2 = null });

        Assert.True(result.Blocked);
        Assert.Contains("session-pool-v2 not found in namespace shop", Blocking(result, "V2 Deployment").Message);
    }

    [Fact]
    public void Overlapping_selectors_block()
    {
        var v2 = Deployment("session-pool-v2", "v2", 0);
        v2.Spec.Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "session-pool" } };

        Assert.Contains("session-pool-v2's selector matches session-pool-v1's pods", Blocking(Preflight.Evaluate(Input(v2: v2)), "Selectors").Message);
    }

    [Fact]
    public void A_port_V2_does_not_expose_blocks_and_a_missing_probe_warns()
    {
        var result = Preflight.Evaluate(Input(v2: Deployment("session-pool-v2", "v2", 0, port: 9090, probe: false)));

        Assert.Contains("V2 does not expose 8080/TCP", Blocking(result, "Container ports").Message);
        Assert.Contains(result.Findings, f => f.Severity == Severity.Warning && f.Subject == "Probes");
    }

    [Fact]
    public void A_quota_the_peak_would_exceed_blocks()
    {
        var quota = new V1ResourceQuota
        {
            Metadata = new V1ObjectMeta { Name = "team" },
            Status = new V1ResourceQuotaStatus
            {
                Hard = new Dictionary<string, ResourceQuantity> { ["requests.cpu"] = new("4") },
                Used = new Dictionary<string, ResourceQuantity> { ["requests.cpu"] = new("2500m") },
            },
        };

        // The peak adds 10 V2 pods at 250m: 2.5 CPU more, 1.5 left.
        Assert.Contains("needs 2.5 more requests.cpu, 1.5 left", Blocking(Preflight.Evaluate(Input(quotas: [quota])), "Capacity").Message);
    }

    [Fact]
    public void A_query_without_data_and_an_unreachable_endpoint_block_but_a_cluster_address_only_warns()
    {
        var result = Preflight.Evaluate(Input(probes:
        [
            new ProbeResult("empty", "http://127.0.0.1:9090", true, false, "empty result"),
            new ProbeResult("down", "http://127.0.0.1:1", false, null, "connection refused"),
            new ProbeResult("inside", "http://prometheus.monitoring:9090", false, null, "name not resolved", ClusterInternal: true),
        ]));

        Assert.Contains("returns no data", Blocking(result, "Check empty").Message);
        Assert.Contains("not reachable: connection refused", Blocking(result, "Check down").Message);
        Assert.Equal(Severity.Warning, Assert.Single(result.Findings, f => f.Subject == "Check inside").Severity);
    }

    [Fact]
    public void Gateway_services_must_each_select_their_own_pool_only()
    {
        var input = Input(m => m.Spec.TrafficRouting = new TrafficRoutingSpec
        {
            GatewayApi = new GatewayApiRouting { HttpRoute = "session-pool", V1Service = "session-pool", V2Service = "session-pool-v2" },
        }) with
        {
            HttpRoute = new HttpRouteObservation(true, true, ["session-pool"]),
        };

        var result = Preflight.Evaluate(input);

        Assert.Contains("selects the pods of both pools", Blocking(result, "V1 Service").Message);
        Assert.Contains("session-pool-v2 not found", Blocking(result, "V2 Service").Message);
    }
}
