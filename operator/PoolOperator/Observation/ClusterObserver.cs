using System.Net;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.Observation;

/// <summary>
/// Reads the Deployments a migration touches, V2's pods, and the HorizontalPodAutoscalers and PodDisruptionBudgets of the
/// migration's namespace, from the caches: observing costs no API request.
/// </summary>
internal sealed class ClusterObserver(
    LatestKnown<V1Deployment> deployments,
    InterestCache<V1Pod> pods,
    InterestCache<V2HorizontalPodAutoscaler> autoscalers,
    InterestCache<V1PodDisruptionBudget> budgets)
{
    public InterestCache<V1Pod> Pods => pods;

    public InterestCache<V2HorizontalPodAutoscaler> Autoscalers => autoscalers;

    public InterestCache<V1PodDisruptionBudget> Budgets => budgets;

    /// <summary>HPAs and budgets are read namespace-wide: which of them concern the pools shows only in their own fields.</summary>
    public static ObjectInterest Namespace(PoolMigration migration) => new(migration.Metadata.NamespaceProperty);

    /// <summary>The HPAs targeting <paramref name="deployment"/>, with writes of this process seen at once.</summary>
    public IReadOnlyList<V2HorizontalPodAutoscaler> AutoscalersOf(string @namespace, string deployment) =>
        [.. PoolScaling.Targeting(autoscalers.List(new ObjectInterest(@namespace)), deployment).Select(a => autoscalers.Get(@namespace, a.Metadata.Name) ?? a)];

    public V1Deployment? Deployment(string @namespace, string name) =>
        string.IsNullOrEmpty(name) ? null : deployments.Get(@namespace, name);

    /// <summary>The pods the built-in checks read: those V2's selector picks, which is how its ReplicaSets find them.</summary>
    public static ObjectInterest? PodsOf(V1Deployment? deployment) =>
        deployment?.Spec?.Selector is { } selector ? new ObjectInterest(deployment.Namespace(), Selector: selector) : null;

    public ObservedWorld Observe(PoolMigration migration)
    {
        var ns = migration.Metadata.NamespaceProperty;
        var v1 = Deployment(ns, migration.Spec.V1.Deployment);
        var v2 = Deployment(ns, migration.Spec.V2.Deployment);
        var v1Autoscalers = v1 is null ? [] : AutoscalersOf(ns, v1.Name());
        var v2Autoscalers = v2 is null ? [] : AutoscalersOf(ns, v2.Name());
        return new ObservedWorld(
            v1,
            v2,
            v1 is null ? null : Describe(v1, [], v1Autoscalers),
            v2 is null ? null : Describe(v2, PodsOf(v2) is { } interest ? pods.List(interest) : [], v2Autoscalers),
            v1Autoscalers,
            v2Autoscalers,
            PoolScaling.Covering(budgets.List(new ObjectInterest(ns)), v1, v2));
    }

    private static DeploymentObservation Describe(V1Deployment deployment, IReadOnlyList<V1Pod> podsOfDeployment, IReadOnlyList<V2HorizontalPodAutoscaler> autoscalers)
    {
        var restarts = 0;
        string? crashLooping = null;
        foreach (var pod in podsOfDeployment.Where(p => p.Metadata.DeletionTimestamp is null).OrderBy(p => p.Name(), StringComparer.Ordinal))
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

        return new DeploymentObservation(
            deployment.Name(),
            deployment.Spec?.Replicas ?? 1,
            deployment.Status?.ReadyReplicas ?? 0,
            TemplateHash(deployment),
            restarts,
            crashLooping,
            PoolScaling.Observe(autoscalers),
            Settled(deployment));
    }

    // A Deployment read back from this process's own write carries the status from before it, whose observedGeneration lags.
    private static bool Settled(V1Deployment deployment) =>
        (deployment.Status?.ObservedGeneration ?? 0) >= (deployment.Metadata.Generation ?? 0)
        && (deployment.Status?.Replicas ?? 0) <= (deployment.Spec?.Replicas ?? 1);

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
