using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PoolOperator.LocalCluster;

/// <summary>
/// Plays the kubelet (the idea of the Kubernetes SIG project KWOK): registers one Ready Node, binds every
/// pending pod to it and reports pod status as the chosen <see cref="PodBehaviour"/> dictates, so the real
/// deployment controller computes ready and available replicas. Terminating pods are deleted for real,
/// since no container runtime has anything to stop. Driven by a pod watch, so pods turn Ready within
/// a fraction of a second.
/// </summary>
public sealed class SimulatedKubelet : IAsyncDisposable
{
    /// <summary>
    /// Pod (template) annotation choosing the behaviour when <see cref="SetBehaviour"/> was not called for
    /// the Deployment: <c>ready</c>, <c>never-ready</c> or <c>crash-loop</c>.
    /// </summary>
    public const string BehaviourAnnotation = "sim.pooloperator.io/behaviour";

    private const string HostIp = "127.0.0.1";

    private readonly IKubernetes client;
    private readonly SimulatedKubeletOptions options;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<string, V1Pod> pods = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Namespace, string Deployment), PodBehaviour> behaviours = new();
    private readonly ConcurrentDictionary<string, int> restarts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> podIps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> queued = new(StringComparer.Ordinal);
    private readonly Channel<string> queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource stopping = new();
    private readonly TaskCompletionSource firstList = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task running = Task.CompletedTask;
    private int nextPodIp;
    private int disposed;

    private SimulatedKubelet(IKubernetes client, SimulatedKubeletOptions options, ILogger logger)
    {
        this.client = client;
        this.options = options;
        this.logger = logger;
    }

    public string NodeName => options.NodeName;

    /// <summary>
    /// Registers the Node, lists the pods already there and starts watching. Returns once existing pods
    /// are being handled. <paramref name="client"/> must be allowed to write nodes, pods, pod bindings and
    /// pod status (a cluster admin).
    /// </summary>
    public static async Task<SimulatedKubelet> StartAsync(
        IKubernetes client,
        SimulatedKubeletOptions? options = null,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var kubelet = new SimulatedKubelet(client, options ?? new SimulatedKubeletOptions(), logger ?? NullLogger.Instance);
        try
        {
            await kubelet.RegisterNodeAsync(cancellationToken).ConfigureAwait(false);
            kubelet.running = Task.WhenAll(
                Task.Run(kubelet.WatchPodsAsync, CancellationToken.None),
                Task.Run(kubelet.ProcessQueueAsync, CancellationToken.None),
                Task.Run(kubelet.TickCrashLoopsAsync, CancellationToken.None));
            await kubelet.firstList.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return kubelet;
        }
        catch
        {
            await kubelet.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Chooses what the pods of Deployment <paramref name="namespaceName"/>/<paramref name="deploymentName"/>
    /// do, overriding the pod annotation; takes effect on existing pods at once.
    /// </summary>
    public void SetBehaviour(string namespaceName, string deploymentName, PodBehaviour behaviour)
    {
        behaviours[(namespaceName, deploymentName)] = behaviour;
        EnqueueDeployment(namespaceName, deploymentName);
    }

    /// <summary>Goes back to the pod annotation (or the default) for this Deployment's pods.</summary>
    public void ClearBehaviour(string namespaceName, string deploymentName)
    {
        behaviours.TryRemove((namespaceName, deploymentName), out _);
        EnqueueDeployment(namespaceName, deploymentName);
    }

    /// <summary>The behaviour the pod gets right now.</summary>
    public PodBehaviour BehaviourOf(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var deployment = DeploymentOf(pod);
        if (deployment is not null && behaviours.TryGetValue((pod.Namespace(), deployment), out var chosen))
        {
            return chosen;
        }

        var annotation = pod.GetAnnotation(BehaviourAnnotation);
        return annotation?.Trim().ToLowerInvariant() switch
        {
            "ready" => PodBehaviour.Ready,
            "never-ready" or "neverready" => PodBehaviour.NeverReady,
            "crash-loop" or "crashloop" => PodBehaviour.CrashLoop,
            _ => options.DefaultBehaviour,
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        queue.Writer.TryComplete();
        firstList.TrySetCanceled();
        try
        {
            await running.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        stopping.Dispose();
    }

    /// <summary>
    /// The Deployment owning the pod: its ReplicaSet owner's name minus the pod-template-hash suffix that the
    /// deployment controller appends.
    /// </summary>
    internal static string? DeploymentOf(V1Pod pod)
    {
        var replicaSet = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Kind == "ReplicaSet" && o.Controller == true);
        var hash = pod.GetLabel("pod-template-hash");
        if (replicaSet is null || string.IsNullOrEmpty(hash) || !replicaSet.Name.EndsWith("-" + hash, StringComparison.Ordinal))
        {
            return null;
        }

        return replicaSet.Name[..^(hash.Length + 1)];
    }

    private static string Key(V1Pod pod) => pod.Namespace() + "/" + pod.Name();

    private DateTime Now => options.TimeProvider.GetUtcNow().UtcDateTime;

    private async Task RegisterNodeAsync(CancellationToken cancellationToken)
    {
        var node = new V1Node
        {
            ApiVersion = "v1",
            Kind = "Node",
            Metadata = new V1ObjectMeta
            {
                Name = NodeName,
                Labels = new Dictionary<string, string>
                {
                    ["kubernetes.io/hostname"] = NodeName,
                    ["kubernetes.io/os"] = "linux",
                    ["kubernetes.io/arch"] = "amd64",
                    ["node.pooloperator.io/simulated"] = "true",
                },
            },
        };
        try
        {
            await client.CoreV1.CreateNodeAsync(node, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Left by an earlier run against the same cluster: refresh its status below.
        }

        var now = Now;
        var resources = new Dictionary<string, ResourceQuantity>
        {
            ["cpu"] = new("64"),
            ["memory"] = new("256Gi"),
            ["pods"] = new("1000"),
        };
        var status = new V1NodeStatus
        {
            Capacity = resources,
            Allocatable = resources,
            Addresses = [new V1NodeAddress { Type = "InternalIP", Address = HostIp }, new V1NodeAddress { Type = "Hostname", Address = NodeName }],
            Conditions =
            [
                NodeCondition("Ready", "True", "KubeletReady", now),
                NodeCondition("MemoryPressure", "False", "KubeletHasSufficientMemory", now),
                NodeCondition("DiskPressure", "False", "KubeletHasNoDiskPressure", now),
                NodeCondition("PIDPressure", "False", "KubeletHasSufficientPID", now),
            ],
            NodeInfo = new V1NodeSystemInfo
            {
                Architecture = "amd64",
                BootID = "simulated",
                ContainerRuntimeVersion = "simulated://1.0",
                KernelVersion = "simulated",
                KubeProxyVersion = "simulated",
                KubeletVersion = "simulated",
                MachineID = "simulated",
                OperatingSystem = "linux",
                OsImage = "PoolOperator simulated node",
                SystemUUID = "simulated",
            },
        };
        await client.CoreV1.PatchNodeStatusAsync(
            new V1Patch(new V1Node { Status = status }, V1Patch.PatchType.MergePatch),
            NodeName,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        logger.LogInformation("simulated node {Node} registered and Ready", NodeName);
    }

    private static V1NodeCondition NodeCondition(string type, string status, string reason, DateTime now) => new()
    {
        Type = type,
        Status = status,
        Reason = reason,
        LastHeartbeatTime = now,
        LastTransitionTime = now,
    };

    /// <summary>List, then watch from the list's resourceVersion; relist only when the watch cannot resume.</summary>
    private async Task WatchPodsAsync()
    {
        var token = stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var list = await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: token).ConfigureAwait(false);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var pod in list.Items)
                {
                    var key = Key(pod);
                    seen.Add(key);
                    pods[key] = pod;
                    Enqueue(key);
                }

                foreach (var gone in pods.Keys.Where(k => !seen.Contains(k)).ToList())
                {
                    Forget(gone);
                }

                firstList.TrySetResult();
                var resourceVersion = list.Metadata.ResourceVersion;
                var mustRelist = false;
                while (!token.IsCancellationRequested && !mustRelist)
                {
                    var watch = client.CoreV1.WatchListPodForAllNamespacesAsync(
                        allowWatchBookmarks: true,
                        resourceVersion: resourceVersion,
                        timeoutSeconds: 60,
                        onError: e =>
                        {
                            // A Status in the stream (410 Gone for an expired resourceVersion, mostly).
                            logger.LogDebug(e, "pod watch reported an error; relisting");
                            mustRelist = true;
                        },
                        cancellationToken: token);
                    await foreach (var (type, pod) in watch.ConfigureAwait(false))
                    {
                        resourceVersion = pod.Metadata?.ResourceVersion ?? resourceVersion;
                        switch (type)
                        {
                            case WatchEventType.Added or WatchEventType.Modified:
                                pods[Key(pod)] = pod;
                                Enqueue(Key(pod));
                                break;
                            case WatchEventType.Deleted:
                                Forget(Key(pod));
                                break;
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The apiserver restarting or briefly unreachable: keep trying until disposed.
                logger.LogDebug(e, "pod watch failed; retrying");
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250), options.TimeProvider, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ProcessQueueAsync()
    {
        var token = stopping.Token;
        try
        {
            await foreach (var key in queue.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                queued.TryRemove(key, out _);
                try
                {
                    await SyncPodAsync(key, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    logger.LogDebug(e, "syncing pod {Pod} failed; retrying", key);
                    _ = RetryLaterAsync(key, token);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private async Task RetryLaterAsync(string key, CancellationToken token)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), options.TimeProvider, token).ConfigureAwait(false);
            Enqueue(key);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task TickCrashLoopsAsync()
    {
        var token = stopping.Token;
        using var timer = new PeriodicTimer(options.CrashLoopRestartInterval, options.TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                foreach (var (key, pod) in pods)
                {
                    if (pod.Spec?.NodeName == NodeName && pod.Metadata.DeletionTimestamp is null && BehaviourOf(pod) == PodBehaviour.CrashLoop)
                    {
                        restarts.AddOrUpdate(pod.Uid(), 1, (_, count) => count + 1);
                        Enqueue(key);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private async Task SyncPodAsync(string key, CancellationToken token)
    {
        if (!pods.TryGetValue(key, out var pod))
        {
            return;
        }

        var name = pod.Name();
        var namespaceName = pod.Namespace();
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            // No container to stop: finish the deletion as a kubelet would once the pod has terminated.
            await IgnoreGoneAsync(client.CoreV1.DeleteNamespacedPodAsync(
                name,
                namespaceName,
                new V1DeleteOptions { GracePeriodSeconds = 0, Preconditions = new V1Preconditions { Uid = pod.Uid() } },
                cancellationToken: token)).ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrEmpty(pod.Spec.NodeName))
        {
            var binding = new V1Binding
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = namespaceName, Uid = pod.Uid() },
                Target = new V1ObjectReference { ApiVersion = "v1", Kind = "Node", Name = NodeName },
            };
            if (!await IgnoreGoneAsync(client.CoreV1.CreateNamespacedPodBindingAsync(binding, name, namespaceName, cancellationToken: token)).ConfigureAwait(false))
            {
                return;
            }

            logger.LogDebug("bound pod {Pod} to {Node}", key, NodeName);
        }
        else if (pod.Spec.NodeName != NodeName)
        {
            return;
        }

        if (pod.Status?.Phase is "Succeeded" or "Failed")
        {
            return;
        }

        var behaviour = BehaviourOf(pod);
        var restartCount = behaviour == PodBehaviour.CrashLoop
            ? restarts.GetOrAdd(pod.Uid(), 1)
            : restarts.GetValueOrDefault(pod.Uid());
        var podIp = podIps.GetOrAdd(pod.Uid(), _ => pod.Status?.PodIP ?? NextPodIp());
        var desired = SimulatedPodStatus.Build(pod, behaviour, restartCount, podIp, HostIp, Now);
        if (SimulatedPodStatus.Matches(pod.Status, desired))
        {
            return;
        }

        await IgnoreGoneAsync(client.CoreV1.PatchNamespacedPodStatusAsync(
            new V1Patch(new V1Pod { Status = desired }, V1Patch.PatchType.MergePatch),
            name,
            namespaceName,
            cancellationToken: token)).ConfigureAwait(false);
        logger.LogDebug("pod {Pod} reported as {Behaviour} (restarts {Restarts})", key, behaviour, restartCount);
    }

    /// <summary>Runs a call whose pod may have vanished meanwhile; false when it had (404/409 on a stale pod).</summary>
    private static async Task<bool> IgnoreGoneAsync<T>(Task<T> call)
    {
        try
        {
            await call.ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    // Loopback addresses: nothing in a test may ever send traffic off this machine by following a pod IP.
    private string NextPodIp()
    {
        var n = Interlocked.Increment(ref nextPodIp);
        return $"127.1.{(n / 250) % 250}.{(n % 250) + 1}";
    }

    private void EnqueueDeployment(string namespaceName, string deploymentName)
    {
        foreach (var (key, pod) in pods)
        {
            if (pod.Namespace() == namespaceName && DeploymentOf(pod) == deploymentName)
            {
                Enqueue(key);
            }
        }
    }

    private void Enqueue(string key)
    {
        if (queued.TryAdd(key, 0) && !queue.Writer.TryWrite(key))
        {
            queued.TryRemove(key, out _);
        }
    }

    private void Forget(string key)
    {
        if (pods.TryRemove(key, out var pod))
        {
            restarts.TryRemove(pod.Uid(), out _);
            podIps.TryRemove(pod.Uid(), out _);
        }
    }
}
