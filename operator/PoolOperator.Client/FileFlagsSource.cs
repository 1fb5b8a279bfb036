using Microsoft.Extensions.Logging;

namespace PoolOperator.Client;

/// <summary>
/// Follows the flags ConfigMap mounted as a volume. The kubelet updates such a volume by writing a new timestamped
/// directory and renaming a <c>..data</c> symlink over the old one; the document's own path is a symlink through
/// <c>..data</c> and never changes, so watching the file alone misses updates. This watches the directory, re-reads
/// the document on any change in it, and re-reads every <see cref="PoolMigrationOptions.RecheckInterval"/> whatever
/// the watch reported.
/// </summary>
internal sealed partial class FileFlagsSource(
    FlagsStore store,
    string directory,
    string fileName,
    bool watchFileSystem,
    TimeSpan recheckInterval,
    TimeProvider time,
    ILogger logger) : IFlagsSource
{
    private readonly Lock gate = new();
    private readonly string path = Path.GetFullPath(Path.Combine(directory, fileName));
    private FileSystemWatcher? watcher;
    private ITimer? timer;
    private bool stopped;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Reload();
        timer = time.CreateTimer(_ => Recheck(), null, recheckInterval, recheckInterval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            stopped = true;
            watcher?.Dispose();
            watcher = null;
        }

        timer?.Dispose();
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private void Recheck()
    {
        // The directory may appear after start-up (a volume mounted late, a local path created later).
        EnsureWatching();
        Reload();
    }

    private void Reload()
    {
        lock (gate)
        {
            if (stopped)
            {
                return;
            }

            EnsureWatching();
            byte[] document;
            try
            {
                document = File.ReadAllBytes(path);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                store.Missing(path, "no such file");
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                store.Failed(path, ex);
                return;
            }

            store.Apply(document, path);
        }
    }

    private void EnsureWatching()
    {
        lock (gate)
        {
            if (!watchFileSystem || stopped || watcher is not null || !Directory.Exists(directory))
            {
                return;
            }

            try
            {
                var created = new FileSystemWatcher(directory)
                {
                    IncludeSubdirectories = false,
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite
                        | NotifyFilters.CreationTime | NotifyFilters.Size | NotifyFilters.Attributes,
                };
                created.Created += OnChanged;
                created.Changed += OnChanged;
                created.Deleted += OnChanged;
                created.Renamed += OnChanged;
                created.Error += OnError;
                created.EnableRaisingEvents = true;
                watcher = created;
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
            {
                LogWatchUnavailable(logger, directory, recheckInterval.TotalSeconds, ex.Message);
            }
        }
    }

    private void OnChanged(object sender, FileSystemEventArgs e) => Reload();

    private void OnError(object sender, ErrorEventArgs e)
    {
        // An overflowed or broken watch may have missed the swap: read now, and start a fresh watch.
        lock (gate)
        {
            watcher?.Dispose();
            watcher = null;
        }

        LogWatchFailed(logger, directory, e.GetException().Message);
        Reload();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot watch {Directory} for flag changes ({Reason}); re-reading every {Seconds} s instead")]
    private static partial void LogWatchUnavailable(ILogger logger, string directory, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The watch on {Directory} failed ({Reason}); re-read the flags and started a new watch")]
    private static partial void LogWatchFailed(ILogger logger, string directory, string reason);
}
