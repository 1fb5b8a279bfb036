using k8s.Models;

namespace PoolOperator.LocalCluster;

/// <summary>The pod status a kubelet would report for a given behaviour.</summary>
internal static class SimulatedPodStatus
{
    public static V1PodStatus Build(V1Pod pod, PodBehaviour behaviour, int restartCount, string podIp, string hostIp, DateTime now)
    {
        var current = pod.Status;
        var startTime = current?.StartTime ?? now;
        var ready = behaviour == PodBehaviour.Ready;
        var containers = pod.Spec.Containers ?? [];
        var conditions = new List<V1PodCondition>
        {
            Condition(current, "PodScheduled", true, startTime, null),
            Condition(current, "Initialized", true, startTime, null),
            Condition(current, "ContainersReady", ready, now, ready ? null : "ContainersNotReady"),
            Condition(current, "Ready", ready, now, ready ? null : "ContainersNotReady"),
        };

        return new V1PodStatus
        {
            Phase = "Running",
            HostIP = hostIp,
            PodIP = podIp,
            PodIPs = [new V1PodIP { Ip = podIp }],
            StartTime = startTime,
            QosClass = current?.QosClass,
            Conditions = conditions,
            ContainerStatuses = containers
                .Select(container => ContainerStatus(pod, container, behaviour, restartCount, startTime, now))
                .ToList(),
        };
    }

    /// <summary>Whether <paramref name="current"/> already shows what <paramref name="desired"/> says (timestamps aside).</summary>
    public static bool Matches(V1PodStatus? current, V1PodStatus desired) =>
        current is not null && Signature(current) == Signature(desired);

    private static string Signature(V1PodStatus status)
    {
        var conditions = string.Join(',', (status.Conditions ?? [])
            .OrderBy(c => c.Type, StringComparer.Ordinal)
            .Select(c => $"{c.Type}={c.Status}"));
        var containers = string.Join(',', (status.ContainerStatuses ?? [])
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => $"{c.Name}:{c.Ready}:{c.RestartCount}:{c.State?.Waiting?.Reason}:{c.State?.Running is not null}"));
        return $"{status.Phase}|{status.PodIP}|{conditions}|{containers}";
    }

    private static V1PodCondition Condition(V1PodStatus? current, string type, bool value, DateTime now, string? reason)
    {
        var status = value ? "True" : "False";
        var existing = current?.Conditions?.FirstOrDefault(c => c.Type == type);
        // Keep the transition time while the condition holds, as the kubelet does.
        var transition = existing?.Status == status ? existing.LastTransitionTime ?? now : now;
        return new V1PodCondition
        {
            Type = type,
            Status = status,
            LastTransitionTime = transition,
            LastProbeTime = null,
            Reason = reason,
            Message = reason is null ? null : "containers with unready status",
        };
    }

    private static V1ContainerStatus ContainerStatus(
        V1Pod pod, V1Container container, PodBehaviour behaviour, int restartCount, DateTime startTime, DateTime now)
    {
        var status = new V1ContainerStatus
        {
            Name = container.Name,
            Image = container.Image,
            ImageID = "sim://" + container.Image,
            ContainerID = $"sim://{pod.Metadata.Uid}/{container.Name}",
            RestartCount = restartCount,
        };
        switch (behaviour)
        {
            case PodBehaviour.CrashLoop:
                status.Ready = false;
                status.Started = false;
                status.State = new V1ContainerState
                {
                    Waiting = new V1ContainerStateWaiting
                    {
                        Reason = "CrashLoopBackOff",
                        Message = $"back-off 10s restarting failed container={container.Name} pod={pod.Metadata.Name}_{pod.Metadata.NamespaceProperty}({pod.Metadata.Uid})",
                    },
                };
                status.LastState = new V1ContainerState
                {
                    Terminated = new V1ContainerStateTerminated
                    {
                        ExitCode = 1,
                        Reason = "Error",
                        StartedAt = now,
                        FinishedAt = now,
                        ContainerID = status.ContainerID,
                    },
                };
                break;
            case PodBehaviour.NeverReady:
                status.Ready = false;
                status.Started = true;
                status.State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = startTime } };
                break;
            default:
                status.Ready = true;
                status.Started = true;
                status.State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = startTime } };
                break;
        }

        return status;
    }
}
