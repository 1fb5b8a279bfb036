using k8s;
using k8s.Autorest;
using PoolOperator.Client.Tests;

namespace PoolOperator.IntegrationTests.SdkApp;

/// <summary>
/// What the kubelet does for a pod that mounts the flags ConfigMap as a volume: it reads the ConfigMap from the
/// apiserver on a short sync period and, when the key changed, swaps the new value into the directory atomically
/// (<see cref="KubeletConfigMapVolume"/>). The key is absent until the ConfigMap exists, as with an optional volume.
/// </summary>
internal sealed class ConfigMapVolumeMirror : IAsyncDisposable
{
    private static readonly TimeSpan SyncPeriod = TimeSpan.FromMilliseconds(250);

    private readonly KubeletConfigMapVolume volume = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly Task syncing;
    private string? published;

    private ConfigMapVolumeMirror(IKubernetes client, string @namespace, string name) => syncing = SyncAsync(client, @namespace, name);

    public string Directory => volume.Directory;

    public static ConfigMapVolumeMirror Start(IKubernetes client, string @namespace, string name) => new(client, @namespace, name);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        try
        {
            await syncing;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        stopping.Dispose();
        volume.Dispose();
    }

    private async Task SyncAsync(IKubernetes client, string @namespace, string name)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var configMap = await client.CoreV1.ReadNamespacedConfigMapAsync(name, @namespace, cancellationToken: stopping.Token);
                if (configMap.Data?.TryGetValue("rollout.json", out var content) == true && content != published)
                {
                    volume.Publish(content);
                    published = content;
                }
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Not published yet.
            }
            catch (HttpRequestException)
            {
                // The kubelet retries on its next sync.
            }

            await Task.Delay(SyncPeriod, stopping.Token);
        }
    }
}
