using System.Collections.Concurrent;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// Plays the HorizontalPodAutoscaler controller for the real HPA objects of one namespace, as that controller would: each
/// HPA's target Deployment gets the replicas its load asks for, clamped to the HPA's current bounds, through the scale
/// subresource; a Deployment at zero is left alone (the HPA controller does not scale it). Every write it makes is
/// recorded, so a test can tell its writes from anybody else's.
/// </summary>
internal sealed class AutoscalerStandIn : IAsyncDisposable
{
    private readonly IKubernetes client;
    private readonly string ns;
    private readonly string version;
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentDictionary<string, int> load = new();
    private readonly ConcurrentQueue<(string Deployment, int Replicas)> writes = new();
    private readonly Task running;

    private AutoscalerStandIn(IKubernetes client, string ns, string version)
    {
        this.client = client;
        this.ns = ns;
        this.version = version;
        running = Task.Run(RunAsync);
    }

    /// <summary>autoscaling/v2 where the apiserver serves it, else v2beta2.</summary>
    public string Version => version;

    /// <summary>The replicas this stand-in wrote, per Deployment, in order.</summary>
    public IReadOnlyList<(string Deployment, int Replicas)> Writes => [.. writes];

    public static async Task<AutoscalerStandIn> StartAsync(IKubernetes client, string ns)
    {
        var groups = await client.Apis.GetAPIVersionsAsync().ConfigureAwait(false);
        var served = groups.Groups.Single(g => g.Name == "autoscaling").Versions.Select(v => v.Version).ToList();
        return new AutoscalerStandIn(client, ns, served.Contains("v2") ? "v2" : "v2beta2");
    }

    /// <summary>What the metrics of <paramref name="deployment"/> ask for from now on.</summary>
    public void Load(string deployment, int replicas) => load[deployment] = replicas;

    public Task<JsonElement> CreateAsync(string name, string deployment, int min, int max) =>
        client.CustomObjects.CreateNamespacedCustomObjectAsync<JsonElement>(
            new
            {
                apiVersion = $"autoscaling/{version}",
                kind = "HorizontalPodAutoscaler",
                metadata = new { name },
                spec = new
                {
                    scaleTargetRef = new { apiVersion = "apps/v1", kind = "Deployment", name = deployment },
                    minReplicas = min,
                    maxReplicas = max,
                    metrics = new[] { new { type = "Resource", resource = new { name = "cpu", target = new { type = "Utilization", averageUtilization = 70 } } } },
                },
            },
            "autoscaling", version, ns, "horizontalpodautoscalers");

    public async Task<(int Min, int Max)> BoundsAsync(string name)
    {
        var hpa = await client.CustomObjects.GetNamespacedCustomObjectAsync<V2HorizontalPodAutoscaler>("autoscaling", version, ns, "horizontalpodautoscalers", name).ConfigureAwait(false);
        return (hpa.Spec.MinReplicas ?? 1, hpa.Spec.MaxReplicas);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await running.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }

    private async Task RunAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await ScaleOnceAsync().ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromMilliseconds(250), stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (k8s.Autorest.HttpOperationException)
            {
                // A conflict or a Deployment being deleted: the next pass looks again, as the controller would.
            }
        }
    }

    private async Task ScaleOnceAsync()
    {
        var list = await client.CustomObjects.ListNamespacedCustomObjectAsync<JsonElement>("autoscaling", version, ns, "horizontalpodautoscalers", cancellationToken: stop.Token).ConfigureAwait(false);
        foreach (var item in list.GetProperty("items").EnumerateArray())
        {
            var hpa = KubernetesJson.Deserialize<V2HorizontalPodAutoscaler>(item);
            var target = hpa.Spec.ScaleTargetRef.Name;
            var scale = await client.AppsV1.ReadNamespacedDeploymentScaleAsync(target, ns, cancellationToken: stop.Token).ConfigureAwait(false);
            var current = scale.Spec.Replicas ?? 0;
            if (current == 0)
            {
                continue;
            }

            var wanted = Math.Clamp(load.TryGetValue(target, out var asked) ? asked : current, hpa.Spec.MinReplicas ?? 1, hpa.Spec.MaxReplicas);
            if (wanted != current)
            {
                await client.AppsV1.PatchNamespacedDeploymentScaleAsync(
                    new V1Patch(new { spec = new { replicas = wanted } }, V1Patch.PatchType.MergePatch), target, ns, cancellationToken: stop.Token).ConfigureAwait(false);
                writes.Enqueue((target, wanted));
            }
        }
    }
}
