using System.Text.Json;
using k8s;
using Microsoft.Extensions.Logging;

namespace PoolOperator.Benchmarks.Cluster;

/// <summary>
/// Watches every PoolMigration (as the admin, whose requests the audit log leaves out) and records when each first
/// had a status and when it entered each phase. Resumes a closed watch from the last resourceVersion and relists
/// when the server says that version is gone.
/// </summary>
internal sealed class MigrationTracker : IAsyncDisposable
{
    private const string Group = "pooloperator.io";
    private const string Version = "v1alpha1";
    private const string Plural = "poolmigrations";

    private readonly IKubernetes client;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Dictionary<string, MigrationState> states = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private readonly TaskCompletionSource listed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(string Key, Func<MigrationState, bool> Condition, TaskCompletionSource<DateTimeOffset> Seen)> waiters = [];
    private Task running = Task.CompletedTask;

    private MigrationTracker(IKubernetes client, TimeProvider time, ILogger logger)
    {
        this.client = client;
        this.time = time;
        this.logger = logger;
    }

    public static async Task<MigrationTracker> StartAsync(IKubernetes client, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var tracker = new MigrationTracker(client, time, logger);
        tracker.running = Task.Run(tracker.RunAsync, CancellationToken.None);
        await tracker.listed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return tracker;
    }

    /// <summary>A copy of the state of <paramref name="namespace"/>/<paramref name="name"/>, or null if never seen.</summary>
    public T? Read<T>(string @namespace, string name, Func<MigrationState, T> read)
    {
        lock (states)
        {
            return states.TryGetValue(@namespace + "/" + name, out var state) ? read(state) : default;
        }
    }

    /// <summary>How many of <paramref name="names"/> in <paramref name="namespace"/> satisfy <paramref name="condition"/>.</summary>
    public int Count(string @namespace, IEnumerable<string> names, Func<MigrationState, bool> condition)
    {
        lock (states)
        {
            return names.Count(n => states.TryGetValue(@namespace + "/" + n, out var s) && condition(s));
        }
    }

    /// <summary>
    /// Completes with the moment the watch delivers a version of <paramref name="namespace"/>/<paramref name="name"/>
    /// that satisfies <paramref name="condition"/>; register it before making the change, so no version is missed.
    /// </summary>
    public Task<DateTimeOffset> WhenAsync(string @namespace, string name, Func<MigrationState, bool> condition)
    {
        var seen = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (states)
        {
            waiters.Add((@namespace + "/" + name, condition, seen));
        }

        return seen.Task;
    }

    /// <summary>
    /// Per status field, how many of the status changes seen in <paramref name="namespace"/> between
    /// <paramref name="from"/> and <paramref name="to"/> changed it; and how many changes there were in all.
    /// </summary>
    public (SortedDictionary<string, int> ByField, int Changes) StatusFieldsChanged(string @namespace, DateTimeOffset from, DateTimeOffset to)
    {
        var byField = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var changes = 0;
        lock (states)
        {
            foreach (var (key, state) in states)
            {
                if (!key.StartsWith(@namespace + "/", StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (var (_, fields) in state.StatusChanges.Where(c => c.At >= from && c.At < to))
                {
                    changes++;
                    foreach (var field in fields)
                    {
                        byField[field] = byField.GetValueOrDefault(field) + 1;
                    }
                }
            }
        }

        return (byField, changes);
    }

    /// <summary>Waits until every migration in <paramref name="names"/> satisfies <paramref name="condition"/>.</summary>
    public async Task WaitForAllAsync(
        string @namespace,
        IReadOnlyCollection<string> names,
        Func<MigrationState, bool> condition,
        TimeSpan timeout,
        string description,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var lastReport = started;
        while (true)
        {
            var done = Count(@namespace, names, condition);
            if (done == names.Count)
            {
                return;
            }

            if (time.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"{done}/{names.Count} migrations in {@namespace} {description} after {timeout.TotalSeconds:0} s");
            }

            if (time.GetElapsedTime(lastReport) > TimeSpan.FromSeconds(15))
            {
                Console.WriteLine($"    ... {done}/{names.Count} {description} ({time.GetElapsedTime(started).TotalSeconds:0} s)");
                lastReport = time.GetTimestamp();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        listed.TrySetCanceled();
        await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var token = stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var list = (JsonElement)await client.CustomObjects.ListClusterCustomObjectAsync(Group, Version, Plural, cancellationToken: token).ConfigureAwait(false);
                foreach (var item in list.GetProperty("items").EnumerateArray())
                {
                    Record(item);
                }

                listed.TrySetResult();
                var resourceVersion = list.GetProperty("metadata").GetProperty("resourceVersion").GetString();
                var mustRelist = false;
                while (!token.IsCancellationRequested && !mustRelist)
                {
                    var watch = client.CustomObjects.WatchListClusterCustomObjectAsync(
                        Group,
                        Version,
                        Plural,
                        allowWatchBookmarks: true,
                        resourceVersion: resourceVersion,
                        timeoutSeconds: 300,
                        onError: _ => mustRelist = true,
                        cancellationToken: token);
                    await foreach (var (type, item) in watch.ConfigureAwait(false))
                    {
                        var element = item is JsonElement json ? json : JsonSerializer.SerializeToElement(item);
                        if (element.TryGetProperty("metadata", out var metadata)
                            && metadata.TryGetProperty("resourceVersion", out var version))
                        {
                            resourceVersion = version.GetString();
                        }

                        if (type is WatchEventType.Added or WatchEventType.Modified)
                        {
                            Record(element);
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
                logger.LogWarning(e, "migration watch failed; listing again");
                await Task.Delay(TimeSpan.FromMilliseconds(500), time, token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void Record(JsonElement migration)
    {
        var now = time.GetUtcNow();
        var metadata = migration.GetProperty("metadata");
        var key = metadata.GetProperty("namespace").GetString() + "/" + metadata.GetProperty("name").GetString();
        string? phase = null, stage = null;
        JsonElement? current = null;
        if (migration.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object)
        {
            current = status.Clone();
            phase = status.TryGetProperty("phase", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            stage = status.TryGetProperty("stageName", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        }

        lock (states)
        {
            if (!states.TryGetValue(key, out var state))
            {
                state = new MigrationState();
                states[key] = state;
            }

            if (state.LastStatus is not null || current is not null)
            {
                var changed = StatusDiff.Changed(state.LastStatus, current);
                if (changed.Count > 0)
                {
                    state.StatusChanges.Add((now, changed));
                }
            }

            state.LastStatus = current;
            if (!string.IsNullOrEmpty(phase))
            {
                state.FirstStatusAt ??= now;
                state.PhaseFirstSeen.TryAdd(phase, now);
                if (state.Steps.Count == 0 || state.Steps[^1].Phase != phase || state.Steps[^1].Stage != (stage ?? ""))
                {
                    state.Steps.Add((phase, stage ?? "", now));
                }
            }

            for (var i = waiters.Count - 1; i >= 0; i--)
            {
                if (waiters[i].Key == key && waiters[i].Condition(state))
                {
                    waiters[i].Seen.TrySetResult(now);
                    waiters.RemoveAt(i);
                }
            }
        }
    }
}
