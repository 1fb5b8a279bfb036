using System.Diagnostics;
using System.Globalization;
using k8s;
using k8s.Models;

namespace PoolOperator.Benchmarks.Measurement;

/// <summary>
/// How fast the platform's own controller reacts, measured the way the operator is: a Deployment's spec.replicas is
/// changed, and the sample is the time from sending that change until a watch on ReplicaSets delivers the write the
/// deployment controller makes in answer (its ReplicaSet's spec.replicas set to the new value).
/// </summary>
internal static class DeploymentControllerPeer
{
    /// <summary>Creates the Deployments this measurement changes; none has pods (no replicaset controller runs).</summary>
    public static async Task CreateDeploymentsAsync(IKubernetes client, string ns, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            var labels = new Dictionary<string, string> { ["app"] = Name(i) };
            var deployment = new V1Deployment
            {
                Metadata = new V1ObjectMeta { Name = Name(i), Labels = labels },
                Spec = new V1DeploymentSpec
                {
                    Replicas = 1,
                    Selector = new V1LabelSelector { MatchLabels = labels },
                    Template = new V1PodTemplateSpec
                    {
                        Metadata = new V1ObjectMeta { Labels = labels },
                        Spec = new V1PodSpec { Containers = [new V1Container { Name = "pool", Image = "registry.invalid/peer:1" }] },
                    },
                },
            };
            await client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the deployment controller has created a ReplicaSet for each of the <paramref name="count"/> Deployments.</summary>
    public static async Task WaitForReplicaSetsAsync(IKubernetes client, string ns, int count, TimeProvider time, Func<bool> controllerExited, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            var list = await client.AppsV1.ListNamespacedReplicaSetAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (list.Items.Select(OwnerName).Where(o => o is not null).Distinct(StringComparer.Ordinal).Count() >= count)
            {
                return;
            }

            if (controllerExited() || time.GetElapsedTime(started) > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException($"the deployment controller created ReplicaSets for {list.Items.Count}/{count} Deployments");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <paramref name="samples"/> sequential changes (after one unmeasured), cycling over the
    /// <paramref name="deployments"/> Deployments and toggling each between 1 and 2 replicas; milliseconds each.
    /// </summary>
    public static async Task<IReadOnlyList<double>> SpecToReplicaSetWriteAsync(
        IKubernetes client, string ns, int deployments, int samples, CancellationToken cancellationToken)
    {
        var replicas = Enumerable.Repeat(1, deployments).ToArray();
        var list = await client.AppsV1.ListNamespacedReplicaSetAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        var milliseconds = new List<double>(samples);
        (string Owner, int Replicas, TaskCompletionSource<long> Seen)? expected = null;
        var gate = new Lock();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watching = Task.Run(async () =>
        {
            var watch = client.AppsV1.WatchListNamespacedReplicaSetAsync(ns, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: stop.Token);
            await foreach (var (type, replicaSet) in watch.ConfigureAwait(false))
            {
                var arrived = Stopwatch.GetTimestamp();
                if (type is not (WatchEventType.Added or WatchEventType.Modified))
                {
                    continue;
                }

                lock (gate)
                {
                    if (expected is { } wanted && OwnerName(replicaSet) == wanted.Owner && replicaSet.Spec?.Replicas == wanted.Replicas)
                    {
                        wanted.Seen.TrySetResult(arrived);
                    }
                }
            }
        }, stop.Token);

        for (var i = 0; i <= samples; i++)
        {
            var index = i % deployments;
            replicas[index] = replicas[index] == 1 ? 2 : 1;
            var seen = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (gate)
            {
                expected = (Name(index), replicas[index], seen);
            }

            var patch = new V1Patch($"{{\"spec\":{{\"replicas\":{replicas[index].ToString(CultureInfo.InvariantCulture)}}}}}", V1Patch.PatchType.MergePatch);
            var sentAt = Stopwatch.GetTimestamp();
            await client.AppsV1.PatchNamespacedDeploymentAsync(patch, Name(index), ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            var arrivedAt = await seen.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            // Sample 0 only proves the watch is open and the controller answers; it is not counted.
            if (i > 0)
            {
                milliseconds.Add(Stopwatch.GetElapsedTime(sentAt, arrivedAt).TotalMilliseconds);
            }
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await watching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return milliseconds;
    }

    private static string Name(int index) => $"peer-{index:D4}";

    private static string? OwnerName(V1ReplicaSet replicaSet) =>
        replicaSet.Metadata?.OwnerReferences?.FirstOrDefault(o => o.Kind == "Deployment")?.Name;
}
