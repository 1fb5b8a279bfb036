using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace PoolOperator.Runtime.Informers;

/// <summary>
/// Keeps one <see cref="InformerStore{T}"/> in sync with one list/watch scope (a namespace, or null for all): list,
/// then watch with bookmarks, resuming from the last resourceVersion; relist only on 410 Gone or when asked; reconnect
/// with jittered backoff. Objects <see cref="Filter"/> rejects never enter the store, and one that stops matching leaves it.
/// </summary>
internal sealed class Reflector<T>(
    IResourceSource<T> source,
    string? scope,
    InformerStore<T> store,
    ReflectorSettings settings,
    TimeProvider timeProvider,
    ILogger logger)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly string _where = scope ?? "all namespaces";
    private long _lists;
    private volatile bool _relistRequested;
    private CancellationTokenSource? _watchStop;

    /// <summary>Which objects to cache; null caches every object of the scope.</summary>
    public Func<T, bool>? Filter { get; init; }

    /// <summary>Applied to each object that passes <see cref="Filter"/> before it is cached (client-go's SetTransform).</summary>
    public Func<T, T>? Transform { get; init; }

    /// <summary>Whether a 404 from list (say, a CRD not installed) counts as an empty, listed scope while retrying with backoff.</summary>
    public bool NotFoundListsAsEmpty { get; init; }

    /// <summary>Called just before each full list starts.</summary>
    public Action? ListStarting { get; init; }

    /// <summary>Called once a full list has replaced the store (or, with <see cref="NotFoundListsAsEmpty"/>, found nothing).</summary>
    public Action? Listed { get; init; }

    public string? Scope => scope;

    /// <summary>How many full lists have been made, the first one included.</summary>
    public long ListCount => Interlocked.Read(ref _lists);

    /// <summary>Ends the running watch and lists again, so objects that now pass a wider filter enter the store.</summary>
    public void RequestRelist()
    {
        // Flag first, then cancel: the loop checks the flag after publishing each watch's token, so no request is lost.
        _relistRequested = true;
        try
        {
            Volatile.Read(ref _watchStop)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new JitteredBackoff(settings.InitialBackoff, settings.MaxBackoff);
        string? resourceVersion = null;

        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (_relistRequested)
                {
                    _relistRequested = false;
                    resourceVersion = null;
                }

                if (resourceVersion is null)
                {
                    resourceVersion = await ListAndReplaceAsync(cancellationToken).ConfigureAwait(false);
                    if (resourceVersion is null)
                    {
                        await DelayAsync(backoff.Next(), cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    backoff.Reset();
                }

                using var watchStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                Volatile.Write(ref _watchStop, watchStop);
                if (_relistRequested)
                {
                    continue;
                }

                var outcome = await WatchAsync(resourceVersion, v => resourceVersion = v, watchStop.Token).ConfigureAwait(false);
                if (_relistRequested)
                {
                    continue;
                }

                if (outcome.Gone)
                {
                    logger.LogInformation("Watch of {Resource} in {Scope} expired (410 Gone); relisting", source.Description, _where);
                    resourceVersion = null;
                    continue;
                }

                if (outcome.Error is not null)
                {
                    throw outcome.Error;
                }

                if (outcome.Events > 0 || outcome.Duration >= TimeSpan.FromSeconds(1))
                {
                    backoff.Reset();
                    logger.LogDebug(
                        "Watch of {Resource} in {Scope} closed after {Events} events; resuming from {ResourceVersion}",
                        source.Description,
                        _where,
                        outcome.Events,
                        resourceVersion);
                    continue;
                }

                // Closed at once with nothing delivered: something between us and the apiserver is cutting watches.
                await DelayAsync(backoff.Next(), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (_relistRequested)
            {
            }
            catch (Exception ex) when (IsGone(ex))
            {
                logger.LogInformation("{Resource} in {Scope}: resourceVersion too old (410 Gone); relisting", source.Description, _where);
                resourceVersion = null;
            }
            catch (Exception ex)
            {
                var delay = backoff.Next();
                logger.LogWarning(
                    ex,
                    "List/watch of {Resource} in {Scope} failed; retrying in {Delay} ms",
                    source.Description,
                    _where,
                    (long)delay.TotalMilliseconds);
                try
                {
                    await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
            finally
            {
                Volatile.Write(ref _watchStop, null);
            }
        }
    }

    internal static bool IsGone(Exception exception) => exception switch
    {
        KubernetesException { Status.Code: (int)HttpStatusCode.Gone } => true,
        HttpOperationException { Response.StatusCode: HttpStatusCode.Gone } => true,
        _ => false,
    };

    private static bool IsNotFound(Exception exception) => exception switch
    {
        HttpOperationException { Response.StatusCode: HttpStatusCode.NotFound } => true,
        KubernetesException { Status.Code: (int)HttpStatusCode.NotFound } => true,
        _ => false,
    };

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        Task.Delay(delay, timeProvider, cancellationToken);

    /// <returns>The list's resourceVersion, or null when the resource does not exist (404) and that counts as empty.</returns>
    private async Task<string?> ListAndReplaceAsync(CancellationToken cancellationToken)
    {
        ListStarting?.Invoke();
        var items = new List<T>();
        string? continueToken = null;
        string resourceVersion;
        try
        {
            do
            {
                var page = await source.ListAsync(scope, continueToken, settings.PageSize, cancellationToken).ConfigureAwait(false);
                foreach (var item in page.Items)
                {
                    if (Filter is null || Filter(item))
                    {
                        items.Add(Transform is null ? item : Transform(item));
                    }
                }

                resourceVersion = page.ResourceVersion;
                continueToken = page.Continue;
            }
            while (continueToken is not null);
        }
        catch (Exception ex) when (NotFoundListsAsEmpty && IsNotFound(ex))
        {
            Interlocked.Increment(ref _lists);
            logger.LogInformation("{Resource} in {Scope} not found (404); treating it as empty and retrying", source.Description, _where);
            store.Replace([]);
            Listed?.Invoke();
            return null;
        }

        Interlocked.Increment(ref _lists);
        store.Replace(items);
        logger.LogDebug(
            "Listed {Count} {Resource} in {Scope} at resourceVersion {ResourceVersion}",
            items.Count,
            source.Description,
            _where,
            resourceVersion);
        Listed?.Invoke();
        return resourceVersion;
    }

    private async Task<WatchOutcome> WatchAsync(string resourceVersion, Action<string> advance, CancellationToken cancellationToken)
    {
        var gone = false;
        Exception? error = null;
        void OnError(Exception ex)
        {
            if (IsGone(ex))
            {
                gone = true;
            }
            else if (ex is KubernetesException)
            {
                error ??= ex;
            }
            else
            {
                // A single event the client could not read; the stream itself goes on.
                logger.LogWarning(ex, "Skipped an unreadable {Resource} watch event", source.Description);
            }
        }

        var started = timeProvider.GetTimestamp();
        var events = 0;
        var (min, max) = settings.WatchTimeoutSeconds;
        var timeout = Random.Shared.Next(min, max + 1);
        await foreach (var (type, obj) in source
            .WatchAsync(scope, resourceVersion, timeout, OnError, cancellationToken)
            .WithCancellation(cancellationToken)
            .ConfigureAwait(false))
        {
            switch (type)
            {
                case WatchEventType.Added:
                case WatchEventType.Modified:
                    Upsert(obj);
                    break;
                case WatchEventType.Deleted:
                    store.Remove(Transform is null ? obj : Transform(obj), raiseIfUncached: Filter is null);
                    break;
                case WatchEventType.Bookmark:
                case WatchEventType.Error:
                default:
                    break;
            }

            var objectVersion = obj.Metadata?.ResourceVersion;
            if (!string.IsNullOrEmpty(objectVersion))
            {
                // Advanced per event so a watch that breaks mid-stream still resumes from here.
                advance(objectVersion);
            }

            events++;
            if (gone || error is not null)
            {
                break;
            }
        }

        return new WatchOutcome(gone, error, events, timeProvider.GetElapsedTime(started));
    }

    private void Upsert(T obj)
    {
        if (Filter is not null && !Filter(obj))
        {
            // Relabelled out of interest (or never in it): it must not stay cached.
            store.Evict(NamespacedName.Of(obj));
            return;
        }

        store.Upsert(Transform is null ? obj : Transform(obj));
    }

    private readonly record struct WatchOutcome(bool Gone, Exception? Error, int Events, TimeSpan Duration);
}
