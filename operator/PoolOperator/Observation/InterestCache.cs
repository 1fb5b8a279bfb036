using k8s;
using k8s.Models;
using PoolOperator.Runtime;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.Observation;

/// <summary>An <see cref="InterestInformer{T}"/> read through <see cref="LatestKnown{T}"/>, so what this process wrote is seen at once.</summary>
internal sealed class InterestCache<T> : IInterestCache
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly InterestInformer<T> informer;

    public InterestCache(InterestInformer<T> informer)
    {
        this.informer = informer;
        Latest = new LatestKnown<T>(informer.Get);
    }

    public string Description => informer.Description;

    /// <summary>Reads by name, and takes note of this process's writes.</summary>
    public LatestKnown<T> Latest { get; }

    public T? Get(string @namespace, string name) => Latest.Get(@namespace, name);

    public IReadOnlyList<T> List(ObjectInterest interest) => informer.List(interest);

    public void SetInterests(string owner, IReadOnlyCollection<ObjectInterest> interests) => informer.SetInterests(owner, interests);

    public void Release(string owner) => informer.Release(owner);

    public bool IsSynced(string @namespace) => informer.IsSynced(@namespace);

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => informer.WaitForSyncAsync(cancellationToken);

    public IDisposable HoldLists() => informer.HoldLists();

    public void Feed(Controller<NamespacedName> controller, Func<IKubernetesObject<V1ObjectMeta>, IEnumerable<NamespacedName>> keys) =>
        controller.Watch(informer, obj => keys(obj));
}
