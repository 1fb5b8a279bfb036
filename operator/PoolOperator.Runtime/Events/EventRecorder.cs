using System.Text.Json.Nodes;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PoolOperator.Runtime.LeaderElection;

namespace PoolOperator.Runtime.Events;

/// <summary>
/// Writes core/v1 Events about objects; failures are logged and never reach the caller.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="RecordAsync"/> folds repeats of the same (object, type, reason, message) into one Event whose count and
/// lastTimestamp grow. To keep an Event that repeats on every reconcile from costing a request each time, a repeat
/// updates the Event at most once per <see cref="RepeatUpdateInterval"/> (client-go's spam filter refills at the same
/// rate); the repeats in between are counted in memory and carried by the next update, so the count the apiserver shows
/// may lag by the repeats of the last interval. The aggregation lives in memory: after a restart a repeat starts a new Event.
/// </para>
/// <para>
/// <see cref="RecordOnceAsync"/> records a milestone at most once per (object, key), across restarts and leader changes:
/// the Event's name derives from the object's uid and the key, and an existing one (409 Conflict) counts as recorded.
/// </para>
/// </remarks>
public sealed class EventRecorder
{
    // Events live about an hour in the apiserver; remembering more than this many distinct ones buys nothing.
    private const int MaxRemembered = 8192;
    private const int ListPageSize = 500;
    private const int MaxMessageLength = 1024;
    private const int MaxNamePrefix = 236;

    private readonly IKubernetes _client;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _component;
    private readonly string _instance;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<AggregateKey, LinkedListNode<Recorded>> _recorded = [];
    private readonly LinkedList<Recorded> _recency = new();
    private readonly Lock _onceLock = new();
    private readonly HashSet<string> _recordedOnce = [];
    private readonly Queue<string> _recordedOnceOrder = new();
    private readonly ConcurrentDictionary<string, Lazy<Task>> _knownNamespaces = new(StringComparer.Ordinal);
    private long _lastStamp;

    /// <summary>Creates a recorder naming <see cref="OperatorRuntimeOptions.ComponentName"/> as the reporting component.</summary>
    public EventRecorder(
        IKubernetes client,
        IOptions<OperatorRuntimeOptions> options,
        LeaderElectionService leaderElection,
        TimeProvider timeProvider,
        ILogger<EventRecorder> logger)
        : this(client, options?.Value.ComponentName ?? RuntimeDefaults.ComponentName, leaderElection?.Identity ?? RuntimeDefaults.Identity(), timeProvider, logger)
    {
    }

    internal EventRecorder(IKubernetes client, string component, string instance, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _component = component;
        _instance = instance;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>How often, at most, a repeating aggregated Event is updated in the apiserver.</summary>
    internal TimeSpan RepeatUpdateInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Records a Normal event about <paramref name="involved"/>.</summary>
    public Task NormalAsync(IKubernetesObject<V1ObjectMeta> involved, string reason, string message, CancellationToken cancellationToken = default) =>
        RecordAsync(involved, EventType.Normal, reason, message, cancellationToken);

    /// <summary>Records a Warning event about <paramref name="involved"/>.</summary>
    public Task WarningAsync(IKubernetesObject<V1ObjectMeta> involved, string reason, string message, CancellationToken cancellationToken = default) =>
        RecordAsync(involved, EventType.Warning, reason, message, cancellationToken);

    /// <summary>Records an event about <paramref name="involved"/>; never throws.</summary>
    public async Task RecordAsync(
        IKubernetesObject<V1ObjectMeta> involved,
        EventType type,
        string reason,
        string message,
        CancellationToken cancellationToken = default)
    {
        try
        {
            ArgumentNullException.ThrowIfNull(involved);
            ArgumentException.ThrowIfNullOrEmpty(reason);
            message = Truncate(message);
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await RecordCoreAsync(involved, type, reason, message, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _logger.LogDebug("Event {Reason} not recorded: cancelled", reason);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(
                ex,
                "Could not record {Type} event {Reason} for {Kind} {Object}: {Message}",
                type,
                reason,
                involved?.Kind,
                involved?.Metadata?.Name,
                message);
        }
    }

    /// <summary>
    /// Records an event about <paramref name="involved"/> at most once per <paramref name="key"/>: its name derives from
    /// the object's uid and the key, so a second call (in this process or after a restart or a leader change) finds it
    /// and makes no second Event; in this process it makes no request at all. Never throws.
    /// </summary>
    public async Task RecordOnceAsync(
        IKubernetesObject<V1ObjectMeta> involved,
        EventType type,
        string reason,
        string message,
        string key,
        CancellationToken cancellationToken = default)
    {
        try
        {
            ArgumentNullException.ThrowIfNull(involved);
            ArgumentException.ThrowIfNullOrEmpty(reason);
            ArgumentException.ThrowIfNullOrEmpty(key);
            var reference = Reference(involved);
            var name = OnceName(reference, key);
            var eventNamespace = EventNamespace(reference);
            var memoryKey = $"{eventNamespace}/{name}";
            if (IsRememberedOnce(memoryKey))
            {
                return;
            }

            // After a restart every milestone a status shows is asked for again: one list of what this component already
            // recorded in the namespace answers all of them, where a create each (answered 409) would queue behind the
            // client's rate limit.
            await _knownNamespaces.GetOrAdd(eventNamespace, ns => new Lazy<Task>(() => RememberRecordedAsync(ns))).Value
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            if (IsRememberedOnce(memoryKey))
            {
                return;
            }

            try
            {
                await CreateAsync(reference, name, eventNamespace, type, reason, Truncate(message), cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // Recorded before: by this replica before a restart, or by a previous leader.
            }

            RememberOnce(memoryKey);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _logger.LogDebug("Event {Reason} not recorded: cancelled", reason);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(
                ex,
                "Could not record {Type} event {Reason} ({Key}) for {Kind} {Object}: {Message}",
                type,
                reason,
                key,
                involved?.Kind,
                involved?.Metadata?.Name,
                message);
        }
    }

    private async Task RecordCoreAsync(
        IKubernetesObject<V1ObjectMeta> involved,
        EventType type,
        string reason,
        string message,
        CancellationToken cancellationToken)
    {
        var reference = Reference(involved);
        var key = new AggregateKey(reference.Uid ?? string.Empty, reference.Kind ?? string.Empty, reference.NamespaceProperty, reference.Name, type, reason, message);
        var now = _timeProvider.GetUtcNow().UtcDateTime;

        if (_recorded.TryGetValue(key, out var node))
        {
            var seen = node.Value;
            var count = seen.Count + 1;
            Touch(node);
            if (now - seen.Written < RepeatUpdateInterval)
            {
                node.Value = seen with { Count = count };
                return;
            }

            try
            {
                await PatchCountAsync(seen, count, now, cancellationToken).ConfigureAwait(false);
                node.Value = seen with { Count = count, Written = now };
                return;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
                // The Event expired in the apiserver: start a new one.
                Forget(node);
            }
        }

        var eventNamespace = EventNamespace(reference);
        var created = await CreateAsync(reference, NextEventName(reference.Name), eventNamespace, type, reason, message, cancellationToken).ConfigureAwait(false);
        Remember(key, new Recorded(key, created.Metadata.Name, eventNamespace, 1, now));
    }

    private Task<Corev1Event> CreateAsync(
        V1ObjectReference reference,
        string name,
        string eventNamespace,
        EventType type,
        string reason,
        string message,
        CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        return _client.CoreV1.CreateNamespacedEventAsync(
            new Corev1Event
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = eventNamespace },
                InvolvedObject = reference,
                Type = type.ToString(),
                Reason = reason,
                Message = message,
                Count = 1,
                FirstTimestamp = now,
                LastTimestamp = now,
                Source = new V1EventSource { Component = _component },
                ReportingComponent = _component,
                ReportingInstance = _instance,
            },
            eventNamespace,
            cancellationToken: cancellationToken);
    }

    private static string EventNamespace(V1ObjectReference reference) =>
        string.IsNullOrEmpty(reference.NamespaceProperty) ? "default" : reference.NamespaceProperty;

    private static string Truncate(string? message) =>
        message is null ? string.Empty : message.Length > MaxMessageLength ? message[..MaxMessageLength] : message;

    private static string NamePrefix(string objectName) => objectName.Length > MaxNamePrefix ? objectName[..MaxNamePrefix] : objectName;

    // The object name plus a digest of (uid, key): the same milestone of the same object always has the same name,
    // and a recreated object with the same name (a new uid) gets new ones.
    private static string OnceName(V1ObjectReference reference, string key) =>
        $"{NamePrefix(reference.Name)}.{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{reference.Uid}|{key}")))[..16]}";

    private bool IsRememberedOnce(string memoryKey)
    {
        lock (_onceLock)
        {
            return _recordedOnce.Contains(memoryKey);
        }
    }

    private async Task RememberRecordedAsync(string eventNamespace)
    {
        try
        {
            string? next = null;
            do
            {
                var page = await _client.CoreV1.ListNamespacedEventAsync(
                    eventNamespace, continueParameter: next, fieldSelector: $"source={_component}", limit: ListPageSize).ConfigureAwait(false);
                foreach (var recorded in page.Items ?? [])
                {
                    if (recorded.Metadata?.Name is { } name)
                    {
                        RememberOnce($"{eventNamespace}/{name}");
                    }
                }

                next = page.Metadata?.ContinueProperty;
            }
            while (!string.IsNullOrEmpty(next));
        }
        catch (Exception ex)
        {
            // Without the list each milestone is created and a 409 tells it was recorded: slower, never wrong.
            _logger.LogDebug(ex, "Could not list the Events already recorded in {Namespace}", eventNamespace);
        }
    }

    private void RememberOnce(string memoryKey)
    {
        lock (_onceLock)
        {
            if (!_recordedOnce.Add(memoryKey))
            {
                return;
            }

            _recordedOnceOrder.Enqueue(memoryKey);

            // Forgetting costs one request that answers 409 the next time; remembering forever would grow without bound.
            while (_recordedOnceOrder.Count > MaxRemembered)
            {
                _recordedOnce.Remove(_recordedOnceOrder.Dequeue());
            }
        }
    }

    // client-go's naming: the object name plus a hex nanosecond timestamp, made strictly increasing so two events
    // recorded within one clock tick do not collide.
    private string NextEventName(string objectName)
    {
        var stamp = (_timeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        _lastStamp = stamp > _lastStamp ? stamp : _lastStamp + 1;
        return $"{NamePrefix(objectName)}.{_lastStamp.ToString("x", CultureInfo.InvariantCulture)}";
    }

    private Task PatchCountAsync(Recorded seen, int count, DateTime now, CancellationToken cancellationToken)
    {
        var patch = new JsonObject
        {
            ["count"] = count,
            ["lastTimestamp"] = now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        }.ToJsonString();
        return _client.CoreV1.PatchNamespacedEventAsync(
            new V1Patch(patch, V1Patch.PatchType.MergePatch),
            seen.Name,
            seen.Namespace,
            cancellationToken: cancellationToken);
    }

    private static V1ObjectReference Reference(IKubernetesObject<V1ObjectMeta> involved)
    {
        var meta = involved.Metadata ?? throw new ArgumentException("The involved object has no metadata.", nameof(involved));
        var (apiVersion, kind) = EntityOf(involved);
        return new V1ObjectReference
        {
            ApiVersion = apiVersion,
            Kind = kind,
            Name = meta.Name,
            NamespaceProperty = string.IsNullOrEmpty(meta.NamespaceProperty) ? null : meta.NamespaceProperty,
            Uid = meta.Uid,
            ResourceVersion = meta.ResourceVersion,
        };
    }

    private static (string? ApiVersion, string? Kind) EntityOf(IKubernetesObject<V1ObjectMeta> involved)
    {
        if (!string.IsNullOrEmpty(involved.Kind))
        {
            return (involved.ApiVersion, involved.Kind);
        }

        // Objects that came from a list response have no kind: take it from the model's attribute.
        var entity = (KubernetesEntityAttribute?)Attribute.GetCustomAttribute(involved.GetType(), typeof(KubernetesEntityAttribute));
        if (entity is null)
        {
            return (involved.ApiVersion, involved.Kind);
        }

        var apiVersion = string.IsNullOrEmpty(entity.Group) ? entity.ApiVersion : $"{entity.Group}/{entity.ApiVersion}";
        return (apiVersion, entity.Kind);
    }

    private void Remember(AggregateKey key, Recorded recorded)
    {
        var node = _recency.AddFirst(recorded);
        _recorded[key] = node;
        while (_recorded.Count > MaxRemembered && _recency.Last is { } oldest)
        {
            Forget(oldest);
        }
    }

    private void Touch(LinkedListNode<Recorded> node)
    {
        _recency.Remove(node);
        _recency.AddFirst(node);
    }

    private void Forget(LinkedListNode<Recorded> node)
    {
        _recency.Remove(node);
        _recorded.Remove(node.Value.Key);
    }

    private readonly record struct AggregateKey(
        string Uid,
        string Kind,
        string? Namespace,
        string Name,
        EventType Type,
        string Reason,
        string Message);

    // Written: when the apiserver last got this Event's count; Count may be ahead of it.
    private sealed record Recorded(AggregateKey Key, string Name, string Namespace, int Count, DateTime Written);
}
