using System.Diagnostics;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace PoolOperator.Benchmarks.Measurement;

/// <summary>
/// What the apiserver itself costs, measured from this process with the same client library the operator uses:
/// a bare PATCH round trip, and the time from sending a write until a watch delivers the change.
/// </summary>
internal static class ApiServerFloor
{
    private const string ConfigMapName = "floor";

    public static async Task<IReadOnlyList<double>> PatchRoundTripsAsync(IKubernetes client, string ns, int samples, CancellationToken cancellationToken)
    {
        await EnsureConfigMapAsync(client, ns, cancellationToken).ConfigureAwait(false);
        var milliseconds = new List<double>(samples);
        // The first requests open connections; they are not counted.
        const int warmUp = 5;
        for (var i = 0; i < samples + warmUp; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await client.CoreV1.PatchNamespacedConfigMapAsync(Patch(i), ConfigMapName, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (i >= warmUp)
            {
                milliseconds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        return milliseconds;
    }

    public static async Task<IReadOnlyList<double>> WatchDeliveriesAsync(IKubernetes client, string ns, int samples, CancellationToken cancellationToken)
    {
        await EnsureConfigMapAsync(client, ns, cancellationToken).ConfigureAwait(false);
        var current = await client.CoreV1.ReadNamespacedConfigMapAsync(ConfigMapName, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        // Sample 0 only proves the watch is open and delivering; it is not counted.
        var sentAt = new long[samples + 1];
        var seen = new TaskCompletionSource<int>[samples + 1];
        for (var i = 0; i <= samples; i++)
        {
            seen[i] = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        var milliseconds = new List<double>(samples);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watching = Task.Run(async () =>
        {
            var watch = client.CoreV1.WatchListNamespacedConfigMapAsync(
                ns, fieldSelector: $"metadata.name={ConfigMapName}", resourceVersion: current.ResourceVersion(), cancellationToken: stop.Token);
            await foreach (var (type, configMap) in watch.ConfigureAwait(false))
            {
                var arrived = Stopwatch.GetTimestamp();
                if (type == WatchEventType.Modified
                    && configMap.Data?.TryGetValue("sample", out var value) == true
                    && int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var sample)
                    && sample >= 0 && sample <= samples)
                {
                    if (sample > 0)
                    {
                        lock (milliseconds)
                        {
                            milliseconds.Add(Stopwatch.GetElapsedTime(sentAt[sample], arrived).TotalMilliseconds);
                        }
                    }

                    seen[sample].TrySetResult(sample);
                }
            }
        }, stop.Token);

        for (var i = 0; i <= samples; i++)
        {
            sentAt[i] = Stopwatch.GetTimestamp();
            await client.CoreV1.PatchNamespacedConfigMapAsync(Patch(i), ConfigMapName, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            await seen[i].Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await watching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (milliseconds)
        {
            return [.. milliseconds];
        }
    }

    private static V1Patch Patch(int sample) =>
        new(JsonSerializer.Serialize(new { data = new { sample = sample.ToString(System.Globalization.CultureInfo.InvariantCulture) } }), V1Patch.PatchType.MergePatch);

    private static async Task EnsureConfigMapAsync(IKubernetes client, string ns, CancellationToken cancellationToken)
    {
        try
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(
                new V1ConfigMap { Metadata = new V1ObjectMeta { Name = ConfigMapName }, Data = new Dictionary<string, string> { ["sample"] = "-1" } },
                ns,
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
        }
    }
}
