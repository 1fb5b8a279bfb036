using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace PoolOperator.Client;

/// <summary>
/// Follows the flags ConfigMap through the Kubernetes API: a list then a watch on that one name, started again
/// from a fresh list whenever the watch ends, with backoff after errors. Needs get, list and watch on ConfigMaps in
/// the namespace.
/// </summary>
internal sealed partial class KubernetesFlagsSource(
    FlagsStore store,
    IKubernetes client,
    string @namespace,
    string name,
    string key,
    TimeProvider time,
    ILogger logger) : IFlagsSource
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly string source = $"configmap {@namespace}/{name} key {key}";
    private readonly CancellationTokenSource stopping = new();
    private Task? loop;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        string? resourceVersion = null;
        try
        {
            resourceVersion = await ListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or KubernetesException)
        {
            store.Failed(source, ex);
        }

        loop = Task.Run(() => FollowAsync(resourceVersion, stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        stopping.Dispose();
    }

    private async Task FollowAsync(string? resourceVersion, CancellationToken cancellationToken)
    {
        var backoff = MinBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                resourceVersion ??= await ListAsync(cancellationToken).ConfigureAwait(false);
                await WatchAsync(resourceVersion, cancellationToken).ConfigureAwait(false);
                backoff = MinBackoff;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                store.Failed(source, ex);
                LogWatchRetry(logger, source, backoff.TotalSeconds, ex.Message);
                try
                {
                    await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }

            // Every watch ends (timeout, 410 Gone, a dropped connection): the next one starts from a fresh list.
            resourceVersion = null;
        }
    }

    private async Task<string> ListAsync(CancellationToken cancellationToken)
    {
        var list = await client.CoreV1.ListNamespacedConfigMapAsync(
            @namespace,
            fieldSelector: $"metadata.name={name}",
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var configMap = list.Items.FirstOrDefault();
        if (configMap is null)
        {
            store.Missing(source, "no such ConfigMap");
        }
        else
        {
            Apply(configMap);
        }

        return list.Metadata?.ResourceVersion ?? "";
    }

    private async Task WatchAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        void OnError(Exception ex)
        {
            failure ??= ex;
        }

        await foreach (var (type, configMap) in client.CoreV1.WatchListNamespacedConfigMapAsync(
            @namespace,
            fieldSelector: $"metadata.name={name}",
            resourceVersion: resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: 300,
            onError: OnError,
            cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            switch (type)
            {
                case WatchEventType.Added:
                case WatchEventType.Modified:
                    Apply(configMap);
                    break;
                case WatchEventType.Deleted:
                    store.Missing(source, "the ConfigMap was deleted");
                    break;
                case WatchEventType.Bookmark:
                case WatchEventType.Error:
                default:
                    break;
            }

            if (failure is not null)
            {
                break;
            }
        }

        if (failure is KubernetesException { Status.Code: (int)HttpStatusCode.Gone })
        {
            return;
        }

        if (failure is not null)
        {
            throw failure;
        }
    }

    private void Apply(V1ConfigMap configMap)
    {
        if (configMap.Data is { } data && data.TryGetValue(key, out var document))
        {
            store.Apply(Encoding.UTF8.GetBytes(document), source);
        }
        else if (configMap.BinaryData is { } binary && binary.TryGetValue(key, out var bytes))
        {
            store.Apply(bytes, source);
        }
        else
        {
            store.Missing(source, $"the ConfigMap has no key {key}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Following {Source} failed ({Reason}); retrying in {Seconds} s")]
    private static partial void LogWatchRetry(ILogger logger, string source, double seconds, string reason);
}
