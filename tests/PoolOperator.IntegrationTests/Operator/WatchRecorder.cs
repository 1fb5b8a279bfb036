using System.Diagnostics;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// Records every version of the objects in one namespace as a watch delivers them, each stamped with a shared
/// clock, so a test can say afterwards when something became visible and what every persisted state was.
/// Resumes from the last resourceVersion when a watch ends and relists when the server says it is too old.
/// </summary>
internal sealed class WatchRecorder<T> : IAsyncDisposable
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IResourceSource<T> source;
    private readonly string ns;
    private readonly Stopwatch clock;
    private readonly List<WatchObservation<T>> observations = [];
    private readonly CancellationTokenSource stop = new();
    private readonly TaskCompletionSource listed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task running = Task.CompletedTask;

    private WatchRecorder(IResourceSource<T> source, string ns, Stopwatch clock)
    {
        this.source = source;
        this.ns = ns;
        this.clock = clock;
    }

    /// <summary>Every version seen so far, in the order the server delivered them.</summary>
    public IReadOnlyList<WatchObservation<T>> Observations
    {
        get
        {
            lock (observations)
            {
                return [.. observations];
            }
        }
    }

    /// <summary>How many times the watch had to start again (a closed stream or a relist).</summary>
    public int Reconnects { get; private set; }

    /// <summary>Lists the namespace, then watches it in the background; returns once the list is recorded.</summary>
    public static async Task<WatchRecorder<T>> StartAsync(IResourceSource<T> source, string ns, Stopwatch clock)
    {
        var recorder = new WatchRecorder<T>(source, ns, clock);
        recorder.running = Task.Run(recorder.RunAsync);
        await recorder.listed.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return recorder;
    }

    /// <summary>The first observation at or after <paramref name="from"/> that satisfies <paramref name="condition"/>.</summary>
    public WatchObservation<T>? First(Func<T, bool> condition, TimeSpan from = default) =>
        Observations.FirstOrDefault(o => o.At >= from && condition(o.Object));

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
        string? resourceVersion = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    var page = await source.ListAsync(ns, null, 500, stop.Token).ConfigureAwait(false);
                    foreach (var item in page.Items)
                    {
                        Record(WatchEventType.Added, item);
                    }

                    resourceVersion = page.ResourceVersion;
                    listed.TrySetResult();
                }

                Exception? failure = null;
                await foreach (var (type, item) in source.WatchAsync(ns, resourceVersion, 300, e => failure ??= e, stop.Token).ConfigureAwait(false))
                {
                    resourceVersion = item.Metadata?.ResourceVersion ?? resourceVersion;
                    if (type != WatchEventType.Bookmark)
                    {
                        Record(type, item);
                    }
                }

                if (IsGone(failure))
                {
                    resourceVersion = null;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (IsGone(e))
            {
                resourceVersion = null;
            }
            catch (Exception e) when (e is HttpRequestException or HttpOperationException or IOException)
            {
                // The apiserver is away (a test may restart it): try again shortly from where we were.
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            Reconnects++;
        }
    }

    private static bool IsGone(Exception? e) => e is KubernetesException { Status.Code: 410 } or HttpOperationException { Response.StatusCode: System.Net.HttpStatusCode.Gone };

    private void Record(WatchEventType type, T item)
    {
        lock (observations)
        {
            observations.Add(new WatchObservation<T>(clock.Elapsed, type, item));
        }
    }
}
