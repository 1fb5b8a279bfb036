using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace PoolOperator.Benchmarks.Cluster;

/// <summary>
/// Stands in for the deployment and replicaset controllers when thousands of pools must stay cheap: watches every
/// Deployment and reports it fully rolled out at once (replicas, ready, available and updated replicas equal to
/// spec.replicas, observedGeneration equal to generation), without any ReplicaSet or Pod. Leaves alone the one
/// namespace where the real deployment controller runs, and remembers when each Deployment's spec.replicas last changed.
/// </summary>
internal sealed class DeploymentStatusStandIn : IAsyncDisposable
{
    private const int Writers = 4;

    private readonly IKubernetes client;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly string ignoredNamespace;
    private readonly ConcurrentDictionary<string, V1Deployment> pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int Replicas, DateTimeOffset Since)> replicas = new(StringComparer.Ordinal);
    private readonly Channel<string> queue = Channel.CreateUnbounded<string>();
    private readonly CancellationTokenSource stopping = new();
    private readonly TaskCompletionSource listed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task running = Task.CompletedTask;

    private DeploymentStatusStandIn(IKubernetes client, TimeProvider time, ILogger logger, string ignoredNamespace)
    {
        this.client = client;
        this.ignoredNamespace = ignoredNamespace;
        this.time = time;
        this.logger = logger;
    }

    public static async Task<DeploymentStatusStandIn> StartAsync(
        IKubernetes client, TimeProvider time, ILogger logger, string ignoredNamespace, CancellationToken cancellationToken)
    {
        var standIn = new DeploymentStatusStandIn(client, time, logger, ignoredNamespace);
        standIn.running = Task.WhenAll(
            [Task.Run(standIn.WatchAsync, CancellationToken.None), .. Enumerable.Range(0, Writers).Select(_ => Task.Run(standIn.WriteAsync, CancellationToken.None))]);
        await standIn.listed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return standIn;
    }

    public static bool IsRolledOut(V1Deployment deployment)
    {
        var desired = deployment.Spec?.Replicas ?? 1;
        var status = deployment.Status;
        return (status?.ObservedGeneration ?? 0) == (deployment.Metadata.Generation ?? 0)
               && (status?.Replicas ?? 0) == desired
               && (status?.ReadyReplicas ?? 0) == desired
               && (status?.AvailableReplicas ?? 0) == desired
               && (status?.UpdatedReplicas ?? 0) == desired;
    }

    /// <summary>
    /// The spec.replicas the watch last saw for Deployment <paramref name="namespace"/>/<paramref name="name"/>, and
    /// when it first saw that value; null if never seen.
    /// </summary>
    public (int Replicas, DateTimeOffset Since)? Replicas(string @namespace, string name) =>
        replicas.TryGetValue(@namespace + "/" + name, out var seen) ? seen : null;

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        queue.Writer.TryComplete();
        listed.TrySetCanceled();
        await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
    }

    private static string Key(V1Deployment deployment) => deployment.Namespace() + "/" + deployment.Name();

    private void Offer(V1Deployment deployment)
    {
        var key = Key(deployment);
        var desired = deployment.Spec?.Replicas ?? 1;
        var now = time.GetUtcNow();
        replicas.AddOrUpdate(key, (desired, now), (_, seen) => seen.Replicas == desired ? seen : (desired, now));
        if (deployment.Namespace() == ignoredNamespace || IsRolledOut(deployment))
        {
            return;
        }

        if (pending.TryAdd(key, deployment))
        {
            queue.Writer.TryWrite(key);
        }
        else
        {
            pending[key] = deployment;
        }
    }

    private async Task WatchAsync()
    {
        var token = stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var list = await client.AppsV1.ListDeploymentForAllNamespacesAsync(cancellationToken: token).ConfigureAwait(false);
                foreach (var deployment in list.Items)
                {
                    Offer(deployment);
                }

                listed.TrySetResult();
                var resourceVersion = list.Metadata.ResourceVersion;
                var mustRelist = false;
                while (!token.IsCancellationRequested && !mustRelist)
                {
                    var watch = client.AppsV1.WatchListDeploymentForAllNamespacesAsync(
                        allowWatchBookmarks: true,
                        resourceVersion: resourceVersion,
                        timeoutSeconds: 300,
                        onError: _ => mustRelist = true,
                        cancellationToken: token);
                    await foreach (var (type, deployment) in watch.ConfigureAwait(false))
                    {
                        resourceVersion = deployment.Metadata?.ResourceVersion ?? resourceVersion;
                        if (type is WatchEventType.Added or WatchEventType.Modified)
                        {
                            Offer(deployment);
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
                logger.LogWarning(e, "deployment watch failed; listing again");
                await Task.Delay(TimeSpan.FromMilliseconds(500), time, token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task WriteAsync()
    {
        var token = stopping.Token;
        while (!token.IsCancellationRequested)
        {
            string key;
            try
            {
                key = await queue.Reader.ReadAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
            {
                return;
            }

            if (!pending.TryRemove(key, out var deployment))
            {
                continue;
            }

            var desired = deployment.Spec?.Replicas ?? 1;
            var patch = new
            {
                status = new
                {
                    observedGeneration = deployment.Metadata.Generation ?? 0,
                    replicas = desired,
                    readyReplicas = desired,
                    availableReplicas = desired,
                    updatedReplicas = desired,
                },
            };
            try
            {
                await client.AppsV1.PatchNamespacedDeploymentStatusAsync(
                    new V1Patch(patch, V1Patch.PatchType.MergePatch), deployment.Name(), deployment.Namespace(), cancellationToken: token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "writing the status of Deployment {Key}; trying again", key);
                await Task.Delay(TimeSpan.FromMilliseconds(500), time, token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (pending.TryAdd(key, deployment))
                {
                    queue.Writer.TryWrite(key);
                }
            }
        }
    }
}
