using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PoolOperator.LocalCluster;
using Xunit;

namespace PoolOperator.IntegrationTests.Infrastructure;

/// <summary>The test cluster behaves like Kubernetes where the operator's tests depend on it.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterHarnessTests(ClusterFixture cluster)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact(DisplayName = "kubelet makes deployment pods ready")]
    public async Task KubeletMakesDeploymentPodsReady()
    {
        var ns = await cluster.CreateNamespaceAsync("harness-ready");
        var labels = new Dictionary<string, string> { ["app"] = "web" };
        await cluster.CreateDeploymentAsync(ns, "web", 3, labels);

        await cluster.WaitForAsync(
            async () => (await ReadDeploymentAsync(ns, "web")).Status?.AvailableReplicas == 3,
            Timeout,
            "3 available replicas of web");

        var pods = await cluster.Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: "app=web");
        Assert.Equal(3, pods.Items.Count);
        Assert.All(pods.Items, pod =>
        {
            Assert.False(string.IsNullOrEmpty(pod.Spec.NodeName));
            Assert.Equal("Running", pod.Status.Phase);
            Assert.Contains(pod.Status.Conditions, c => c.Type == "Ready" && c.Status == "True");
        });

        await cluster.Client.AppsV1.PatchNamespacedDeploymentScaleAsync(
            new V1Patch("{\"spec\":{\"replicas\":1}}", V1Patch.PatchType.MergePatch), "web", ns);
        await cluster.WaitForAsync(
            async () =>
            {
                var status = (await ReadDeploymentAsync(ns, "web")).Status;
                var remaining = await cluster.Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: "app=web");
                return status?.Replicas == 1 && status.ReadyReplicas == 1 && remaining.Items.Count == 1;
            },
            Timeout,
            "web scaled down to exactly one ready pod");
    }

    [Fact(DisplayName = "crash-loop behaviour shows CrashLoopBackOff and rising restarts")]
    public async Task CrashLoopBehaviourShowsCrashLoopBackOffAndRisingRestarts()
    {
        var ns = await cluster.CreateNamespaceAsync("harness-crash");
        await cluster.CreateDeploymentAsync(ns, "broken", 1, new Dictionary<string, string> { ["app"] = "broken" }, PodBehaviour.CrashLoop);

        var firstRestarts = 0;
        await cluster.WaitForAsync(
            async () =>
            {
                var container = await SingleContainerStatusAsync(ns, "app=broken");
                firstRestarts = container?.RestartCount ?? 0;
                return container?.State?.Waiting?.Reason == "CrashLoopBackOff" && firstRestarts >= 1;
            },
            Timeout,
            "the broken pod to be in CrashLoopBackOff");

        await cluster.WaitForAsync(
            async () => (await SingleContainerStatusAsync(ns, "app=broken"))?.RestartCount > firstRestarts,
            Timeout,
            $"restartCount to rise above {firstRestarts}");

        var deployment = await ReadDeploymentAsync(ns, "broken");
        Assert.Equal(0, deployment.Status?.ReadyReplicas ?? 0);
    }

    [LocalControlPlaneFact(DisplayName = "behaviour switched mid-test applies to running pods")]
    public async Task BehaviourSwitchedMidTestAppliesToRunningPods()
    {
        var kubelet = cluster.Kubelet!;
        var ns = await cluster.CreateNamespaceAsync("harness-switch");
        await cluster.CreateDeploymentAsync(ns, "v2", 2, new Dictionary<string, string> { ["app"] = "v2" });
        await cluster.WaitForAsync(
            async () => (await ReadDeploymentAsync(ns, "v2")).Status?.ReadyReplicas == 2, Timeout, "2 ready replicas of v2");
        var podNames = await PodNamesAsync(ns, "app=v2");

        kubelet.SetBehaviour(ns, "v2", PodBehaviour.NeverReady);
        await cluster.WaitForAsync(
            async () => ((await ReadDeploymentAsync(ns, "v2")).Status?.ReadyReplicas ?? 0) == 0, Timeout, "v2 to have no ready replica");
        Assert.Equal(podNames, await PodNamesAsync(ns, "app=v2"));

        kubelet.SetBehaviour(ns, "v2", PodBehaviour.Ready);
        await cluster.WaitForAsync(
            async () => (await ReadDeploymentAsync(ns, "v2")).Status?.ReadyReplicas == 2, Timeout, "v2 to be ready again");
    }

    [LocalControlPlaneFact(DisplayName = "apiserver restart keeps the cluster's data and the kubelet keeps working")]
    public async Task ApiServerRestartKeepsDataAndKubeletKeepsWorking()
    {
        var plane = cluster.ControlPlane!;
        var ns = await cluster.CreateNamespaceAsync("harness-restart");
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "kept" }, Data = new Dictionary<string, string> { ["k"] = "v" } }, ns);

        await plane.StopApiServerAsync();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => cluster.Client.CoreV1.ReadNamespaceAsync(ns));
        await plane.StartApiServerAsync();

        var kept = await cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("kept", ns);
        Assert.Equal("v", kept.Data["k"]);
        await cluster.CreateDeploymentAsync(ns, "after", 2, new Dictionary<string, string> { ["app"] = "after" });
        await cluster.WaitForAsync(
            async () => (await ReadDeploymentAsync(ns, "after")).Status?.ReadyReplicas == 2,
            Timeout,
            "a deployment created after the restart to become ready");
    }

    [Fact(DisplayName = "service-account token gets only what its RBAC grants")]
    public async Task ServiceAccountTokenGetsOnlyWhatItsRbacGrants()
    {
        var ns = await cluster.CreateNamespaceAsync("harness-rbac");
        using var limited = new Kubernetes(await cluster.CreateServiceAccountConfigAsync(ns, "reader"));

        var denied = await Assert.ThrowsAsync<HttpOperationException>(() => limited.CoreV1.ListNamespacedPodAsync(ns));
        Assert.Equal(HttpStatusCode.Forbidden, denied.Response.StatusCode);

        await cluster.Client.RbacAuthorizationV1.CreateNamespacedRoleAsync(
            new V1Role
            {
                Metadata = new V1ObjectMeta { Name = "pod-reader" },
                Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["get", "list"] }],
            },
            ns);
        await cluster.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(
            new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = "reader-pod-reader" },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "pod-reader" },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "reader", NamespaceProperty = ns }],
            },
            ns);

        await cluster.WaitForAsync(
            async () =>
            {
                await limited.CoreV1.ListNamespacedPodAsync(ns);
                return true;
            },
            Timeout,
            "the role binding to let reader list pods");
        var stillDenied = await Assert.ThrowsAsync<HttpOperationException>(() => limited.CoreV1.ListNamespacedSecretAsync(ns));
        Assert.Equal(HttpStatusCode.Forbidden, stillDenied.Response.StatusCode);
    }

    private Task<V1Deployment> ReadDeploymentAsync(string ns, string name) =>
        cluster.Client.AppsV1.ReadNamespacedDeploymentAsync(name, ns);

    private async Task<V1ContainerStatus?> SingleContainerStatusAsync(string ns, string selector)
    {
        var pods = await cluster.Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector);
        return pods.Items.SingleOrDefault(p => p.Metadata.DeletionTimestamp is null)?.Status?.ContainerStatuses?.SingleOrDefault();
    }

    private async Task<List<string>> PodNamesAsync(string ns, string selector)
    {
        var pods = await cluster.Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector);
        return pods.Items.Select(p => p.Name()).Order(StringComparer.Ordinal).ToList();
    }
}
