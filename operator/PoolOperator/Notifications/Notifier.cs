using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Controllers;
using PoolOperator.Core;
using PoolOperator.Observation;

namespace PoolOperator.Notifications;

/// <summary>
/// Sends milestone notifications (webhook, Slack, Microsoft Teams) off the reconcile path. The reconciler offers each
/// round's milestone Events; a milestone already recorded in <c>status.notifications.sent</c>, or already on its way, is
/// skipped, so a status that shows a milestone round after round sends it once. Deliveries run on a few workers, each
/// attempt bounded by a timeout and retried with backoff by Polly; the outcome is recorded in the status (with the
/// resourceVersion it was read at), which is what makes "sent once" survive restarts and leader changes. A target that
/// keeps failing is given up on for that milestone and shows in the <c>NotificationsDelivered</c> condition; the migration
/// itself never waits for a notification.
/// </summary>
internal sealed partial class Notifier(
    IOptions<NotificationOptions> options,
    IHttpClientFactory httpClients,
    ISecretSource secrets,
    LatestKnown<PoolMigration> migrations,
    MigrationWriter writer,
    TimeProvider time,
    ILogger<Notifier> logger) : BackgroundService
{
    public const string HttpClientName = "notifications";
    public const string ConditionType = "NotificationsDelivered";

    private const int Workers = 4;
    private const int RecordAttempts = 5;

    private const int RecordRounds = 10;
    private static readonly TimeSpan RecordRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource abandon = new();
    private readonly Channel<Notification> queue = Channel.CreateBounded<Notification>(new BoundedChannelOptions(1_000) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<string, byte> inFlight = new(StringComparer.Ordinal);

    // Recorded by this process (value: the migration's uid) but possibly not yet in the status a round was decided from:
    // the cache receives the record's watch event after the write returns, and a round in between must not send the
    // milestone again. The uid keeps a migration recreated under the same name from inheriting it.
    private readonly ConcurrentDictionary<string, string> recordedNotYetSeen = new(StringComparer.Ordinal);
    private ResiliencePipeline<HttpResponseMessage>? pipeline;

    /// <summary>Queues the milestones of <paramref name="events"/> not yet sent; returns at once.</summary>
    public void Offer(PoolMigration migration, IEnumerable<MigrationEvent> events)
    {
        ArgumentNullException.ThrowIfNull(migration);
        var (targets, kinds, secretNamespace) = Configured(migration);
        if (targets.Count == 0)
        {
            return;
        }

        var status = migration.Status;
        var sent = status?.Notifications?.Sent ?? [];
        foreach (var milestone in events.Where(e => e.Key is not null && NotificationKinds.All.Contains(e.Reason) && (kinds.Count == 0 || kinds.Contains(e.Reason))))
        {
            foreach (var target in targets)
            {
                var notification = new Notification(
                    migration.Metadata.NamespaceProperty, migration.Metadata.Name, target, secretNamespace, milestone.Reason, milestone.Type, milestone.Key!,
                    milestone.Message, status?.Phase ?? Phases.Pending, status?.StageName, status?.Weight ?? 0, status?.Run ?? 1, time.GetUtcNow());
                var flight = FlightKey(notification);
                if (sent.Contains(notification.SentKey))
                {
                    recordedNotYetSeen.TryRemove(flight, out _);
                    continue;
                }

                if ((recordedNotYetSeen.TryGetValue(flight, out var recordedFor) && recordedFor == migration.Metadata.Uid) || !inFlight.TryAdd(flight, 0))
                {
                    continue;
                }

                if (!queue.Writer.TryWrite(notification))
                {
                    inFlight.TryRemove(flight, out _);
                }
            }
        }
    }

    /// <summary>Drops what is remembered about a migration that is gone.</summary>
    public void Forget(string @namespace, string name)
    {
        var prefix = $"{@namespace}/{name}/";
        foreach (var flight in recordedNotYetSeen.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)))
        {
            recordedNotYetSeen.TryRemove(flight, out _);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => WorkAsync(stoppingToken)));

    /// <summary>
    /// Takes no new notification once stopping, but lets those already under way be delivered and recorded until the
    /// host's shutdown timeout: a delivery cut off before its record would be sent again by the next leader.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await base.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await abandon.CancelAsync().ConfigureAwait(false);
        }
    }

    public override void Dispose()
    {
        abandon.Dispose();
        base.Dispose();
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var notification in queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    var failure = await DeliverAsync(notification, abandon.Token).ConfigureAwait(false);
                    await RecordSentAsync(notification, failure).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !abandon.IsCancellationRequested)
                {
                    LogUnrecorded(logger, notification.Namespace, notification.Migration, notification.SentKey, e.Message);
                }
                finally
                {
                    inFlight.TryRemove(FlightKey(notification), out _);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Records a notification that went out. Only the record is tried again, never the delivery: while it is tried
    /// the notification stays in flight, so no round offers it a second time.
    /// </summary>
    private async Task RecordSentAsync(Notification notification, string? failure)
    {
        LogOutcome(notification, failure);
        for (var attempt = 1; ; attempt++)
        {
            if (await TryRecordAsync(notification, failure, abandon.Token).ConfigureAwait(false))
            {
                return;
            }

            if (attempt == RecordRounds)
            {
                throw new InvalidOperationException($"the status kept changing under {RecordRounds * RecordAttempts} attempts to record it");
            }

            await Task.Delay(RecordRetryDelay * attempt, time, abandon.Token).ConfigureAwait(false);
        }
    }

    private void LogOutcome(Notification notification, string? failure)
    {
        if (failure is null)
        {
            LogDelivered(logger, notification.Namespace, notification.Migration, notification.Kind, notification.Target.Name);
        }
        else
        {
            LogFailed(logger, notification.Namespace, notification.Migration, notification.Kind, notification.Target.Name, failure);
        }
    }

    /// <returns>Null when delivered; otherwise why not.</returns>
    private async Task<string?> DeliverAsync(Notification notification, CancellationToken cancellationToken)
    {
        var reference = notification.Target.UrlSecretRef;
        var data = await secrets.GetSecretDataAsync(notification.SecretNamespace, reference.Name, cancellationToken).ConfigureAwait(false);
        if (data is null || !data.TryGetValue(reference.Key, out var bytes) || !Uri.TryCreate(Encoding.UTF8.GetString(bytes).Trim(), UriKind.Absolute, out var url))
        {
            return $"Secret {notification.SecretNamespace}/{reference.Name} has no URL under key {reference.Key}";
        }

        var body = NotificationPayloads.For(notification);
        var client = httpClients.CreateClient(HttpClientName);
        try
        {
            using var response = await Pipeline().ExecuteAsync(
                async token =>
                {
                    using var content = new StringContent(body, Encoding.UTF8, "application/json");
                    return await client.PostAsync(url, content, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            var attempts = options.Value.Retries + 1;
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase} (after up to {attempts} attempts)";
        }
        catch (TimeoutRejectedException)
        {
            return $"no answer within {options.Value.AttemptTimeout.TotalSeconds:0.#}s, {options.Value.Retries + 1} attempts";
        }
        catch (HttpRequestException e)
        {
            return $"{e.Message} ({options.Value.Retries + 1} attempts)";
        }
    }

    /// <summary>Records the outcome in the status; a conflict reads the migration again and records once more.</summary>
    /// <returns>False when the status kept changing under every attempt.</returns>
    private async Task<bool> TryRecordAsync(Notification notification, string? failure, CancellationToken cancellationToken)
    {

        for (var attempt = 0; attempt < RecordAttempts; attempt++)
        {
            var latest = migrations.Get(notification.Namespace, notification.Migration);
            if (latest?.Status is null || latest.Metadata.DeletionTimestamp is not null)
            {
                return true;
            }

            var status = StatusCloner.Clone(latest.Status);
            var notes = status.Notifications ??= new NotificationsStatus();
            var current = $"/run{status.Run ?? 1}-";

            // Only the current run's milestones can come again; older entries are dropped so the list stays short.
            notes.Sent = [.. notes.Sent.Where(k => k.Contains(current, StringComparison.Ordinal)).Append(notification.SentKey).Distinct(StringComparer.Ordinal)];
            notes.Failing = [.. notes.Failing.Where(f => f.Target != notification.Target.Name)];
            if (failure is not null)
            {
                notes.Failing.Add(new NotificationFailure { Target = notification.Target.Name, Key = notification.Key, Message = failure, At = time.GetUtcNow().UtcDateTime });
            }

            var ok = notes.Failing.Count == 0;
            ConditionWriter.Set(status, ConditionType, ok, ok ? "Delivered" : "TargetFailing",
                ok ? "every notification target accepted its last notification" : string.Join("; ", notes.Failing.Select(f => $"{f.Target}: {f.Key} not delivered: {f.Message}")),
                latest.Metadata.Generation ?? 1, time.GetUtcNow());
            if (await writer.WriteStatusAsync(latest, status, cancellationToken).ConfigureAwait(false) is not null)
            {
                recordedNotYetSeen[FlightKey(notification)] = latest.Metadata.Uid;
                return true;
            }
        }

        return false;
    }

    private (IReadOnlyList<NotificationTarget> Targets, IReadOnlyCollection<string> Kinds, string SecretNamespace) Configured(PoolMigration migration)
    {
        if (migration.Spec.Notifications is { } own)
        {
            return ([.. own.Targets], own.Events is { } kinds ? [.. kinds] : [], migration.Metadata.NamespaceProperty);
        }

        var defaults = options.Value;
        return (defaults.Targets, defaults.Events, string.IsNullOrEmpty(defaults.SecretNamespace) ? migration.Metadata.NamespaceProperty : defaults.SecretNamespace);
    }

    private ResiliencePipeline<HttpResponseMessage> Pipeline() => pipeline ??= Build(options.Value, time);

    private static ResiliencePipeline<HttpResponseMessage> Build(NotificationOptions settings, TimeProvider time) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = settings.Retries,
                Delay = settings.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => (int)r.StatusCode >= 500 || (int)r.StatusCode is 408 or 429),
            })
            .AddTimeout(settings.AttemptTimeout)
            .Build();

    private static string FlightKey(Notification notification) => $"{notification.Namespace}/{notification.Migration}/{notification.SentKey}";

    [LoggerMessage(Level = LogLevel.Information, Message = "{Namespace}/{Name}: {Kind} notified to {Target}")]
    private static partial void LogDelivered(ILogger logger, string @namespace, string name, string kind, string target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Namespace}/{Name}: {Kind} not delivered to {Target}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string @namespace, string name, string kind, string target, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Namespace}/{Name}: outcome of notification {Key} not recorded, it will be offered again: {Reason}")]
    private static partial void LogUnrecorded(ILogger logger, string @namespace, string name, string key, string reason);
}
