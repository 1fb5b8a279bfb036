using System.Net;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Observation;

/// <summary>Reads the Deployments and pods a migration touches.</summary>
internal sealed class ClusterObserver(IKubernetes client)
{
    public async Task<ObservedWorld> ObserveAsync(PoolMigration migration, CancellationToken cancellationToken)
    {
        var ns = migration.Metadata.NamespaceProperty;
        var v1Task = ReadDeploymentAsync(ns, migration.Spec.V1.Deployment, cancellationToken);
        var v2Task = ReadDeploymentAsync(ns, migration.Spec.V2.Deployment, cancellationToken);
        var v1 = await v1Task.ConfigureAwait(false);
        var v2 = await v2Task.ConfigureAwait(false);

        var v1Observation = v1 is null ? null : await DescribeAsync(v1, cancellationToken).ConfigureAwait(false);
        var v2Observation = v2 is null ? null : await DescribeAsync(v2, cancellationToken).ConfigureAwait(false);

        return new ObservedWorld(v1, v2, v1Observation, v2Observation);
    }

    private Task<V1Deployment?> ReadDeploymentAsync(string ns, string name, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(name)
            ? Task.FromResult<V1Deployment?>(null)
            : ReadOrNullAsync(() => client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: cancellationToken));

    private async Task<DeploymentObservation> DescribeAsync(V1Deployment deployment, CancellationToken cancellationToken)
    {
        var selector = deployment.Spec?.Selector?.MatchLabels is { Count: > 0 } labels
            ? string.Join(",", labels.Select(pair => $"{pair.Key}={pair.Value}"))
            : null;
        var restarts = 0;
        string? crashLooping = null;
        if (selector is not null)
        {
            var pods = await client.CoreV1.ListNamespacedPodAsync(deployment.Namespace(), labelSelector: selector, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var pod in pods.Items.Where(p => p.Metadata.DeletionTimestamp is null))
            {
                foreach (var container in pod.Status?.ContainerStatuses ?? [])
                {
                    restarts += container.RestartCount;
                    if (container.State?.Waiting?.Reason == "CrashLoopBackOff")
                    {
                        crashLooping ??= pod.Name();
                    }
                }
            }
        }

        return new DeploymentObservation(
            deployment.Name(),
            deployment.Spec?.Replicas ?? 1,
            deployment.Status?.ReadyReplicas ?? 0,
            TemplateHash(deployment),
            restarts,
            crashLooping);
    }

    /// <summary>A stable fingerprint of the pod template, so a V2 rebuild mid-migration is noticed.</summary>
    internal static string TemplateHash(V1Deployment deployment)
    {
        var json = KubernetesJson.Serialize(deployment.Spec?.Template);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
    }

    internal static async Task<T?> ReadOrNullAsync<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
