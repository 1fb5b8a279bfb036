using System.Net;
using k8s;
using k8s.Autorest;

namespace PoolOperator.FaultSuite;

/// <summary>
/// Follows the operator's Lease and counts failovers: each time the holder changes from one replica to the other.
/// A killed leader started again under its own name before the other replica took over is not a failover.
/// </summary>
internal sealed class LeaseWatcher : IAsyncDisposable
{
    public const string LeaseName = "pool-operator-leader";

    private readonly IKubernetes client;
    private readonly string ns;
    private readonly TimeProvider time;
    private readonly CancellationTokenSource stop = new();
    private readonly List<(TimeSpan At, string From, string To)> changes = [];
    private readonly System.Diagnostics.Stopwatch clock;
    private Task running = Task.CompletedTask;
    private string? holder;

    private LeaseWatcher(IKubernetes client, string ns, TimeProvider time, System.Diagnostics.Stopwatch clock)
    {
        this.client = client;
        this.ns = ns;
        this.time = time;
        this.clock = clock;
    }

    public string? Holder => Volatile.Read(ref holder);

    public IReadOnlyList<(TimeSpan At, string From, string To)> Failovers
    {
        get
        {
            lock (changes)
            {
                return [.. changes];
            }
        }
    }

    public static LeaseWatcher Start(IKubernetes client, string ns, TimeProvider time, System.Diagnostics.Stopwatch clock)
    {
        var watcher = new LeaseWatcher(client, ns, time, clock);
        watcher.running = Task.Run(watcher.RunAsync);
        return watcher;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stop.Dispose();
    }

    private async Task RunAsync()
    {
        // Read every 200 ms: the holder changes at most once per lease term (4 s), so no change goes unseen.
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(LeaseName, ns, cancellationToken: stop.Token).ConfigureAwait(false);
                var current = lease.Spec?.HolderIdentity;
                if (!string.IsNullOrEmpty(current) && current != holder)
                {
                    if (holder is not null)
                    {
                        lock (changes)
                        {
                            changes.Add((clock.Elapsed, holder, current));
                        }

                        Console.WriteLine($"   {clock.Elapsed.TotalSeconds,7:F1}s leadership: {holder} -> {current}");
                    }

                    Volatile.Write(ref holder, current);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
            }
            catch (Exception e) when (e is HttpRequestException or HttpOperationException or IOException or TaskCanceledException)
            {
                // The apiserver is away: read again at the next tick.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
