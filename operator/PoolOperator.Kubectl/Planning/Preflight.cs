using k8s.Models;
using PoolOperator.Core;
using PoolOperator.Kubectl.Views;

namespace PoolOperator.Kubectl.Planning;

/// <summary>Judges a PoolMigration against the cluster before anything changes. Pure: the I/O is in <see cref="PlanObserver"/>.</summary>
internal static class Preflight
{
    public static PlanResult Evaluate(PlanInput input)
    {
        var spec = input.Migration.Spec;
        var plan = MigrationPlan.From(spec);
        var findings = new List<Finding>();
        findings.AddRange(Deployments(input));
        PeakCapacity? peak = null;
        List<TimelineStage> timeline = [];
        if (input.V1 is { } v1 && input.V2 is { } v2)
        {
            findings.AddRange(Selectors(v1, v2));
            findings.AddRange(Containers(v1, v2));
            findings.AddRange(Services(input, v1, v2));
            var total = spec.Replicas ?? v1.Spec.Replicas ?? 1;
            timeline = Timeline(plan, total);
            peak = Peak(plan, total, v1, v2);
            findings.AddRange(Quotas(input, peak, v1, v2));
        }
        else
        {
            timeline = Timeline(plan, spec.Replicas ?? 0);
        }

        findings.AddRange(Routing(input));
        findings.AddRange(input.Probes.Select(Probe));
        var total2 = timeline.Count == 0 ? TimeSpan.Zero : timeline[^1].StartsAfter + timeline[^1].Duration + plan.RollbackWindow;
        return new PlanResult(findings, timeline, plan.RollbackWindow, total2, peak);
    }

    private static IEnumerable<Finding> Deployments(PlanInput input)
    {
        var spec = input.Migration.Spec;
        foreach (var (label, name, deployment) in new[] { ("V1", spec.V1.Deployment, input.V1), ("V2", spec.V2.Deployment, input.V2) })
        {
            yield return deployment is null
                ? new Finding(Severity.Blocking, $"{label} Deployment", $"{name} not found in namespace {input.Namespace}")
                : new Finding(Severity.Ok, $"{label} Deployment", $"{name} exists ({deployment.Spec.Replicas ?? 1} replicas, {deployment.Status?.ReadyReplicas ?? 0} ready)");
        }
    }

    private static IEnumerable<Finding> Selectors(V1Deployment v1, V1Deployment v2)
    {
        var v1Adopts = Selects(v1.Spec.Selector, v2.Spec.Template.Metadata?.Labels);
        var v2Adopts = Selects(v2.Spec.Selector, v1.Spec.Template.Metadata?.Labels);
        if (v1Adopts || v2Adopts)
        {
            var which = v1Adopts ? $"{v1.Metadata.Name}'s selector matches {v2.Metadata.Name}'s pods" : $"{v2.Metadata.Name}'s selector matches {v1.Metadata.Name}'s pods";
            yield return new Finding(Severity.Blocking, "Selectors", $"not disjoint: {which}; each Deployment would count and scale the other's pods");
        }
        else
        {
            yield return new Finding(Severity.Ok, "Selectors", "V1 and V2 select disjoint pods");
        }
    }

    private static IEnumerable<Finding> Containers(V1Deployment v1, V1Deployment v2)
    {
        var v1Containers = v1.Spec.Template.Spec.Containers;
        var v2Containers = v2.Spec.Template.Spec.Containers;
        var v2Ports = v2Containers.SelectMany(c => c.Ports ?? []).Select(p => (p.ContainerPort, p.Protocol ?? "TCP")).ToHashSet();
        var missing = v1Containers.SelectMany(c => c.Ports ?? []).Where(p => !v2Ports.Contains((p.ContainerPort, p.Protocol ?? "TCP")))
            .Select(p => $"{p.ContainerPort}/{p.Protocol ?? "TCP"}{(p.Name is { } n ? $" ({n})" : "")}").ToList();
        yield return missing.Count == 0
            ? new Finding(Severity.Ok, "Container ports", "V2 exposes every port V1 exposes")
            : new Finding(Severity.Blocking, "Container ports", $"V2 does not expose {string.Join(", ", missing)}, which V1 serves on");

        var v1Probed = v1Containers.Any(c => c.ReadinessProbe is not null);
        var v2Probed = v2Containers.Any(c => c.ReadinessProbe is not null);
        yield return v1Probed && !v2Probed
            ? new Finding(Severity.Warning, "Probes", "V1 has a readiness probe and V2 has none: V2 counts as Ready before it can serve, so capacity checks say little")
            : new Finding(Severity.Ok, "Probes", v2Probed ? "V2 has a readiness probe" : "neither pool has a readiness probe");

        var (v1Cpu, v1Memory) = Requests(v1);
        var (v2Cpu, v2Memory) = Requests(v2);
        yield return (v1Cpu > 0 || v1Memory > 0) && v2Cpu == 0 && v2Memory == 0
            ? new Finding(Severity.Warning, "Resources", "V1 requests resources per pod and V2 requests none: V2's pods may land where they cannot run")
            : new Finding(Severity.Ok, "Resources", $"per pod: V1 requests {Cpu(v1Cpu)} CPU, {Memory(v1Memory)}; V2 requests {Cpu(v2Cpu)} CPU, {Memory(v2Memory)}");
    }

    private static IEnumerable<Finding> Services(PlanInput input, V1Deployment v1, V1Deployment v2)
    {
        var v1Labels = v1.Spec.Template.Metadata?.Labels;
        var v2Labels = v2.Spec.Template.Metadata?.Labels;
        if (input.Migration.Spec.TrafficRouting?.GatewayApi is { } gateway)
        {
            foreach (var (label, serviceName, own, other) in new[] { ("V1", gateway.V1Service, v1Labels, v2Labels), ("V2", gateway.V2Service, v2Labels, v1Labels) })
            {
                var service = input.Services.FirstOrDefault(s => s.Metadata.Name == serviceName);
                yield return service is null ? new Finding(Severity.Blocking, $"{label} Service", $"{serviceName} not found in namespace {input.Namespace}")
                    : !SelectsLabels(service, own) ? new Finding(Severity.Blocking, $"{label} Service", $"{serviceName} does not select {label}'s pods")
                    : SelectsLabels(service, other) ? new Finding(Severity.Blocking, $"{label} Service", $"{serviceName} selects the pods of both pools: route weights could not split the traffic")
                    : new Finding(Severity.Ok, $"{label} Service", $"{serviceName} selects {label}'s pods only");
            }

            yield break;
        }

        var shared = input.Services.Where(s => SelectsLabels(s, v1Labels) && SelectsLabels(s, v2Labels)).Select(s => s.Metadata.Name).ToList();
        var v1Only = input.Services.Where(s => SelectsLabels(s, v1Labels) && !SelectsLabels(s, v2Labels)).Select(s => s.Metadata.Name).ToList();
        if (shared.Count > 0)
        {
            yield return new Finding(Severity.Ok, "Services", $"{string.Join(", ", shared)} select both pools: traffic follows the replica split");
        }
        else if (v1Only.Count > 0 && input.Migration.Spec.TrafficRouting?.Flags is null)
        {
            yield return new Finding(Severity.Warning, "Services", $"{string.Join(", ", v1Only)} select V1's pods only: with replica routing alone V2 would get none of their traffic");
        }
    }

    private static IEnumerable<Finding> Routing(PlanInput input)
    {
        var routing = input.Migration.Spec.TrafficRouting;
        if (routing?.Flags is { } flags)
        {
            yield return new Finding(Severity.Ok, "Flags ConfigMap", input.FlagsConfigMapExists
                ? $"{flags.ConfigMap} exists; its rollout.json is recorded and restored on rollback"
                : $"{flags.ConfigMap} does not exist yet; the operator creates it");
        }

        if (routing?.GatewayApi is { } gateway && input.HttpRoute is { } route)
        {
            yield return !route.ApiInstalled ? new Finding(Severity.Blocking, "HTTPRoute", "the Gateway API (gateway.networking.k8s.io HTTPRoute) is not installed in the cluster")
                : !route.Exists ? new Finding(Severity.Blocking, "HTTPRoute", $"{gateway.HttpRoute} not found in namespace {input.Namespace}")
                : !route.BackendServices.Contains(gateway.V1Service) ? new Finding(Severity.Blocking, "HTTPRoute", $"{gateway.HttpRoute} has no backendRef to {gateway.V1Service}")
                : new Finding(Severity.Ok, "HTTPRoute", $"{gateway.HttpRoute} exists and routes to {gateway.V1Service}");
        }
    }

    private static Finding Probe(ProbeResult probe)
    {
        var subject = $"Check {probe.Check}";
        if (!probe.Reachable)
        {
            return probe.ClusterInternal
                ? new Finding(Severity.Warning, subject, $"{probe.Target} is a cluster-internal address not reachable from here ({probe.Detail}); the operator reaches it from inside the cluster")
                : new Finding(Severity.Blocking, subject, $"{probe.Target} is not reachable: {probe.Detail}");
        }

        return probe.HasData == false
            ? new Finding(Severity.Blocking, subject, $"{probe.Target} answers but the query returns no data ({probe.Detail}): every measurement would be inconclusive")
            : new Finding(Severity.Ok, subject, $"{probe.Target}: {probe.Detail}");
    }

    private static IEnumerable<Finding> Quotas(PlanInput input, PeakCapacity peak, V1Deployment v1, V1Deployment v2)
    {
        var (v1Cpu, v1Memory) = Requests(v1);
        var (v2Cpu, v2Memory) = Requests(v2);
        var nowPods = (v1.Spec.Replicas ?? 1) + (v2.Spec.Replicas ?? 1);
        var extraPods = peak.V1Pods + peak.V2Pods - nowPods;
        var extraCpu = peak.CpuCores - (((v1.Spec.Replicas ?? 1) * v1Cpu) + ((v2.Spec.Replicas ?? 1) * v2Cpu));
        var extraMemory = peak.MemoryBytes - (((v1.Spec.Replicas ?? 1) * v1Memory) + ((v2.Spec.Replicas ?? 1) * v2Memory));
        yield return new Finding(Severity.Ok, "Capacity", $"peak during {peak.During}: {peak.V1Pods} V1 + {peak.V2Pods} V2 pods, requests {Cpu(peak.CpuCores)} CPU, {Memory(peak.MemoryBytes)}");
        foreach (var quota in input.Quotas)
        {
            var hard = quota.Status?.Hard ?? quota.Spec?.Hard ?? new Dictionary<string, ResourceQuantity>();
            var used = quota.Status?.Used ?? new Dictionary<string, ResourceQuantity>();
            foreach (var (resource, extra, format) in new (string, decimal, Func<decimal, string>)[]
            {
                ("pods", extraPods, v => v.ToString("0", System.Globalization.CultureInfo.InvariantCulture)),
                ("requests.cpu", extraCpu, Cpu),
                ("cpu", extraCpu, Cpu),
                ("requests.memory", extraMemory, Memory),
                ("memory", extraMemory, Memory),
            })
            {
                if (extra > 0 && hard.TryGetValue(resource, out var limit))
                {
                    var free = limit.ToDecimal() - (used.TryGetValue(resource, out var u) ? u.ToDecimal() : 0);
                    if (extra > free)
                    {
                        yield return new Finding(Severity.Blocking, "Capacity", $"ResourceQuota {quota.Metadata.Name}: the peak needs {format(extra)} more {resource}, {format(free)} left");
                    }
                }
            }
        }
    }

    /// <summary>Capacity first: entering a stage, V2 grows to it while V1 still holds the previous stage's replicas.</summary>
    private static PeakCapacity Peak(MigrationPlan plan, int total, V1Deployment v1, V1Deployment v2)
    {
        var (v1Cpu, v1Memory) = Requests(v1);
        var (v2Cpu, v2Memory) = Requests(v2);
        var best = new PeakCapacity("start", v1.Spec.Replicas ?? total, v2.Spec.Replicas ?? 0, 0, 0);
        var previousV1 = v1.Spec.Replicas ?? total;
        foreach (var stage in plan.Stages)
        {
            var (stageV1, stageV2) = ReplicaMath.ForStage(total, stage);
            var candidate = new PeakCapacity($"entering {stage.Name}", previousV1, stageV2, 0, 0);
            if (candidate.V1Pods + candidate.V2Pods > best.V1Pods + best.V2Pods)
            {
                best = candidate;
            }

            // At 100% V1 stays warm, holding what it had, through the rollback window.
            previousV1 = stage.Weight == 100 ? previousV1 : stageV1;
        }

        return best with
        {
            CpuCores = (best.V1Pods * v1Cpu) + (best.V2Pods * v2Cpu),
            MemoryBytes = (best.V1Pods * v1Memory) + (best.V2Pods * v2Memory),
        };
    }

    private static List<TimelineStage> Timeline(MigrationPlan plan, int total)
    {
        var at = TimeSpan.Zero;
        var timeline = new List<TimelineStage>();
        foreach (var stage in plan.Stages)
        {
            var (v1, v2) = ReplicaMath.ForStage(total, stage);
            timeline.Add(new TimelineStage(stage.Name, stage.IsShadow ? $"shadow {stage.ShadowPercent}%" : $"{stage.Weight}%", at, stage.Duration, stage.RequiresApproval, v1, v2));
            at += stage.Duration;
        }

        return timeline;
    }

    private static (decimal Cpu, decimal Memory) Requests(V1Deployment deployment)
    {
        decimal cpu = 0, memory = 0;
        foreach (var container in deployment.Spec.Template.Spec.Containers)
        {
            if (container.Resources?.Requests is { } requests)
            {
                cpu += requests.TryGetValue("cpu", out var c) ? c.ToDecimal() : 0;
                memory += requests.TryGetValue("memory", out var m) ? m.ToDecimal() : 0;
            }
        }

        return (cpu, memory);
    }

    private static bool Selects(V1LabelSelector? selector, IDictionary<string, string>? labels)
    {
        if (selector is null || labels is null)
        {
            return false;
        }

        var matchLabels = selector.MatchLabels ?? new Dictionary<string, string>();
        var expressions = selector.MatchExpressions ?? [];
        if (matchLabels.Count == 0 && expressions.Count == 0)
        {
            return true;
        }

        return matchLabels.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value)
            && expressions.All(e => e.OperatorProperty switch
            {
                "In" => labels.TryGetValue(e.Key, out var v) && (e.Values ?? []).Contains(v),
                "NotIn" => !labels.TryGetValue(e.Key, out var v) || !(e.Values ?? []).Contains(v),
                "Exists" => labels.ContainsKey(e.Key),
                "DoesNotExist" => !labels.ContainsKey(e.Key),
                _ => false,
            });
    }

    private static bool SelectsLabels(V1Service service, IDictionary<string, string>? labels) =>
        service.Spec?.Selector is { Count: > 0 } selector && labels is not null && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static string Cpu(decimal cores) => cores == 0 ? "0" : cores.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    private static string Memory(decimal bytes) => bytes == 0 ? "0 memory" : $"{(bytes / (1024 * 1024)).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)}Mi memory";

    internal static string Describe(TimeSpan span) => Durations.Short(span);
}
