using System.Globalization;
using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PoolOperator.Runtime.LeaderElection;

namespace PoolOperator.Runtime.Events;

/// <summary>
/// Writes core/v1 Events about objects, folding repeats of the same (object, type, reason, message) into one Event
/// whose count and lastTimestamp grow; failures are logged and never reach the caller.
/// </summary>
public sealed class EventRecorder
{
    // Events live about an hour in the apiserver; remembering more than this many distinct ones buys nothing.
    private const int MaxRemembered = 4096;
    private const int MaxMessageLength = 1024;

    private readonly IKubernetes _client;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _component;
    private readonly string _instance;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<AggregateKey, LinkedListNode<Recorded>> _recorded = [];
    private readonly LinkedList<Recorded> _recency = new();
    private long _lastStamp;

    /// <summary>Creates a recorder naming <see cref="OperatorRuntimeOptions.ComponentName"/> as the reporting component.</summary>
    public EventRecorder(
        IKubernetes client,
        IOptions<OperatorRuntimeOptions> options,
        LeaderElectionService leaderElection,
        TimeProvider timeProvider,
        ILogger<EventRecorder> logger)
        : this(client, options?.Value.ComponentName ?? "pool-operator", leaderElection?.Identity ?? RuntimeDefaults.Identity(), timeProvider, logger)
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
            message ??= string.Empty;
            if (message.Length > MaxMessageLength)
            {
                message = message[..MaxMessageLength];
            }

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
            try
            {
                await PatchCountAsync(seen, count, now, cancellationToken).ConfigureAwait(false);
                node.Value = seen with { Count = count };
                Touch(node);
                return;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
                // The Event expired in the apiserver: start a new one.
                Forget(node);
            }
        }

        var eventNamespace = string.IsNullOrEmpty(reference.NamespaceProperty) ? "default" : reference.NamespaceProperty;
        var created = await _client.CoreV1.CreateNamespacedEventAsync(
            new Corev1Event
            {
                Metadata = new V1ObjectMeta
                {
                    Name = NextEventName(reference.Name),
                    NamespaceProperty = eventNamespace,
                },
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
            cancellationToken: cancellationToken).ConfigureAwait(false);

        Remember(key, new Recorded(key, created.Metadata.Name, eventNamespace, 1));
    }

    // client-go's naming: the object name plus a hex nanosecond timestamp, made strictly increasing so two events
    // recorded within one clock tick do not collide.
    private string NextEventName(string objectName)
    {
        var stamp = (_timeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        _lastStamp = stamp > _lastStamp ? stamp : _lastStamp + 1;
        var prefix = objectName.Length > 236 ? objectName[..236] : objectName;
        return $"{prefix}.{_lastStamp.ToString("x", CultureInfo.InvariantCulture)}";
    }

    private Task PatchCountAsync(Recorded seen, int count, DateTime now, CancellationToken cancellationToken)
    {
        var patch = JsonSerializer.Serialize(new
        {
            count,
            lastTimestamp = now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        });
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

    private sealed record Recorded(AggregateKey Key, string Name, string Namespace, int Count);
}
