using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Events;

/// <summary>
/// Writes core/v1 Events named after what they say: a milestone's name derives from its key, so it exists once;
/// any other Event's name derives from its reason and message, so a repeat bumps the count of the first.
/// </summary>
internal sealed partial class KubernetesEventSink(IKubernetes client, TimeProvider time, ILogger<KubernetesEventSink> logger) : IMigrationEventSink
{
    private const string Component = "pool-operator";
    private readonly ConcurrentDictionary<string, byte> recordedMilestones = new();

    public async Task RecordAsync(PoolMigration migration, MigrationEvent migrationEvent, CancellationToken cancellationToken)
    {
        var ns = migration.Metadata.NamespaceProperty;
        var identity = migrationEvent.Key ?? $"{migrationEvent.Reason}|{migrationEvent.Message}";
        var name = $"{migration.Metadata.Name}.{Hash(migration.Metadata.Uid + "|" + identity)}";
        if (migrationEvent.Key is not null && recordedMilestones.ContainsKey(name))
        {
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var body = new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = migration.ApiVersion,
                Kind = migration.Kind,
                Name = migration.Metadata.Name,
                NamespaceProperty = ns,
                Uid = migration.Metadata.Uid,
                ResourceVersion = migration.Metadata.ResourceVersion,
            },
            Type = migrationEvent.Type,
            Reason = migrationEvent.Reason,
            Message = migrationEvent.Message,
            Count = 1,
            FirstTimestamp = now,
            LastTimestamp = now,
            Source = new V1EventSource { Component = Component },
            ReportingComponent = Component,
            ReportingInstance = Environment.MachineName,
        };

        try
        {
            await client.CoreV1.CreateNamespacedEventAsync(body, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            if (migrationEvent.Key is null)
            {
                await BumpAsync(ns, name, now, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogEventFailed(logger, e, migrationEvent.Reason, ns, migration.Metadata.Name);
            return;
        }

        if (migrationEvent.Key is not null)
        {
            recordedMilestones.TryAdd(name, 0);
        }
    }

    private async Task BumpAsync(string ns, string name, DateTime now, CancellationToken cancellationToken)
    {
        try
        {
            var existing = await client.CoreV1.ReadNamespacedEventAsync(name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            existing.Count = (existing.Count ?? 1) + 1;
            existing.LastTimestamp = now;
            await client.CoreV1.ReplaceNamespacedEventAsync(existing, name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            // A lost count on a concurrent bump is harmless; the Event itself exists.
            LogEventFailed(logger, e, "count", ns, name);
        }
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record Event {Reason} for {Namespace}/{Name}")]
    private static partial void LogEventFailed(ILogger logger, Exception exception, string reason, string @namespace, string name);
}
