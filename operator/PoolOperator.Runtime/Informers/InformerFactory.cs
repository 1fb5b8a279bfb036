using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PoolOperator.Runtime.Informers;

/// <summary>Creates informers that watch the namespaces of <see cref="OperatorRuntimeOptions.Namespaces"/> (all when empty).</summary>
public sealed class InformerFactory(
    IKubernetes client,
    IOptions<OperatorRuntimeOptions> options,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory)
{
    /// <summary>An informer over any <paramref name="source"/>, caching each object after <paramref name="transform"/> when given.</summary>
    public ResourceInformer<T> Create<T>(IResourceSource<T> source, Func<T, T>? transform = null)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        new(source, options.Value.Namespaces, timeProvider, loggerFactory.CreateLogger<ResourceInformer<T>>(), transform);

    /// <summary>An informer over the namespaced custom resource <paramref name="plural"/>.<paramref name="group"/>/<paramref name="version"/>.</summary>
    public ResourceInformer<T> CustomResource<T>(string group, string version, string plural, string? labelSelector = null, Func<T, T>? transform = null)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Create(ResourceSources.CustomResource<T>(client, group, version, plural, labelSelector), transform);

    /// <summary>An informer over Deployments, optionally only those matching <paramref name="labelSelector"/>.</summary>
    public ResourceInformer<V1Deployment> Deployments(string? labelSelector = null, Func<V1Deployment, V1Deployment>? transform = null) =>
        Create(ResourceSources.Deployments(client, labelSelector), transform);

    /// <summary>An informer over Pods, optionally only those matching <paramref name="labelSelector"/>.</summary>
    public ResourceInformer<V1Pod> Pods(string? labelSelector = null) =>
        Create(ResourceSources.Pods(client, labelSelector));

    /// <summary>An informer over <paramref name="source"/> that caches only objects someone declared an interest in.</summary>
    public InterestInformer<T> CreateOfInterest<T>(IResourceSource<T> source, Func<T, T>? transform = null)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        new(source, options.Value.Namespaces, timeProvider, loggerFactory.CreateLogger<InterestInformer<T>>(), transform);

    /// <summary>
    /// An informer over the Pods someone declared an interest in; <paramref name="transform"/> (say, dropping managedFields
    /// and the parts of the spec nobody reads) is applied to each before it is cached.
    /// </summary>
    public InterestInformer<V1Pod> PodsOfInterest(Func<V1Pod, V1Pod>? transform = null) =>
        CreateOfInterest(ResourceSources.Pods(client), transform);

    /// <summary>An informer over the ConfigMaps someone declared an interest in.</summary>
    public InterestInformer<V1ConfigMap> ConfigMapsOfInterest() =>
        CreateOfInterest(ResourceSources.ConfigMaps(client));

    /// <summary>An informer over the Services someone declared an interest in, each passed through <paramref name="transform"/> before it is cached.</summary>
    public InterestInformer<V1Service> ServicesOfInterest(Func<V1Service, V1Service>? transform = null) =>
        CreateOfInterest(ResourceSources.Services(client), transform);

    /// <summary>
    /// An informer over the objects of the namespaced custom resource <paramref name="plural"/>.<paramref name="group"/>/<paramref name="version"/>
    /// someone declared an interest in; while the resource is not installed its namespaces count as synced and empty.
    /// </summary>
    public InterestInformer<T> CustomResourcesOfInterest<T>(string group, string version, string plural)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        CreateOfInterest(ResourceSources.CustomResource<T>(client, group, version, plural));
}
