using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PoolOperator.Runtime.Informers;

/// <summary>Creates informers that watch the namespaces of <see cref="OperatorRuntimeOptions.Namespaces"/>.</summary>
public sealed class InformerFactory(
    IKubernetes client,
    IOptions<OperatorRuntimeOptions> options,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory)
{
    /// <summary>An informer over any <paramref name="source"/>.</summary>
    public ResourceInformer<T> Create<T>(IResourceSource<T> source)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        new(source, options.Value.Namespaces, timeProvider, loggerFactory.CreateLogger<ResourceInformer<T>>());

    /// <summary>An informer over the namespaced custom resource <paramref name="plural"/>.<paramref name="group"/>/<paramref name="version"/>.</summary>
    public ResourceInformer<T> CustomResource<T>(string group, string version, string plural, string? labelSelector = null)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Create(new CustomResourceSource<T>(client, group, version, plural, labelSelector));

    /// <summary>An informer over Deployments, optionally only those matching <paramref name="labelSelector"/>.</summary>
    public ResourceInformer<V1Deployment> Deployments(string? labelSelector = null) =>
        Create(new DeploymentSource(client, labelSelector));

    /// <summary>An informer over Pods, optionally only those matching <paramref name="labelSelector"/>.</summary>
    public ResourceInformer<V1Pod> Pods(string? labelSelector = null) =>
        Create(new PodSource(client, labelSelector));
}
