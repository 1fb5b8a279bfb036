using k8s.Models;

namespace PoolOperator.Observation;

/// <summary>
/// What the pod cache keeps of a pod: its identity, labels and owner, and per container the restart count and why it
/// waits. The spec, managedFields and the rest of the status are dropped before caching.
/// </summary>
internal static class PodSummary
{
    public static V1Pod Of(V1Pod pod) => new()
    {
        ApiVersion = pod.ApiVersion,
        Kind = pod.Kind,
        Metadata = new V1ObjectMeta
        {
            Name = pod.Metadata?.Name,
            NamespaceProperty = pod.Metadata?.NamespaceProperty,
            Uid = pod.Metadata?.Uid,
            ResourceVersion = pod.Metadata?.ResourceVersion,
            Labels = pod.Metadata?.Labels,
            OwnerReferences = pod.Metadata?.OwnerReferences,
            DeletionTimestamp = pod.Metadata?.DeletionTimestamp,
        },
        Status = new V1PodStatus
        {
            Phase = pod.Status?.Phase,
            ContainerStatuses = pod.Status?.ContainerStatuses?
                .Select(c => new V1ContainerStatus
                {
                    Name = c.Name,
                    RestartCount = c.RestartCount,
                    Ready = c.Ready,
                    State = c.State?.Waiting is { } waiting ? new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = waiting.Reason } } : null,
                })
                .ToList(),
        },
    };
}
