using k8s;
using k8s.Models;
using PoolOperator.Runtime;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.Observation;

/// <summary>
/// A cache of the objects migrations declared an interest in, whatever their type: the reconciler declares and
/// releases interests and asks whether a namespace is complete through this, without knowing what is cached.
/// </summary>
internal interface IInterestCache
{
    /// <summary>A short name for logs, e.g. <c>configmaps</c>.</summary>
    string Description { get; }

    void SetInterests(string owner, IReadOnlyCollection<ObjectInterest> interests);

    void Release(string owner);

    bool IsSynced(string @namespace);

    /// <summary>Completes once every namespace with an interest has listed since its interests last grew.</summary>
    Task WaitForSyncAsync(CancellationToken cancellationToken);

    /// <summary>Holds back lists until the handle is disposed, so interests declared together share one list per namespace.</summary>
    IDisposable HoldLists();

    /// <summary>Runs this cache with <paramref name="controller"/>, which queues the keys <paramref name="keys"/> returns for every changed object.</summary>
    void Feed(Controller<NamespacedName> controller, Func<IKubernetesObject<V1ObjectMeta>, IEnumerable<NamespacedName>> keys);
}
