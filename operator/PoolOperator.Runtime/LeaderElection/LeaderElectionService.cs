using k8s;
using k8s.Autorest;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PoolOperator.Runtime.LeaderElection;

/// <summary>
/// Runs work only while this replica holds the coordination.k8s.io Lease, cancels it the moment leadership is lost,
/// and releases the Lease on graceful stop so a standby takes over within a retry period instead of a lease duration.
/// </summary>
public sealed class LeaderElectionService
{
    private readonly IKubernetes _client;
    private readonly OperatorRuntimeOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private volatile bool _isLeader;
    private volatile string? _currentLeader;

    /// <summary>Creates the service from the runtime options (identity and Lease namespace must be resolved).</summary>
    public LeaderElectionService(
        IKubernetes client,
        IOptions<OperatorRuntimeOptions> options,
        TimeProvider timeProvider,
        ILogger<LeaderElectionService> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        Identity = string.IsNullOrEmpty(_options.Identity) ? RuntimeDefaults.Identity() : _options.Identity;
        LeaseNamespace = string.IsNullOrEmpty(_options.LeaseNamespace) ? RuntimeDefaults.PodNamespace() : _options.LeaseNamespace;
    }

    /// <summary>Raised when this replica starts leading (or starts running with election disabled).</summary>
    public event Action? StartedLeading;

    /// <summary>Raised when this replica stops leading, by losing the Lease or by stopping.</summary>
    public event Action? StoppedLeading;

    /// <summary>Whether leader election is on; when off this replica always leads while running.</summary>
    public bool Enabled => _options.LeaderElection;

    /// <summary>This replica's identity in the Lease.</summary>
    public string Identity { get; }

    /// <summary>The namespace of the Lease.</summary>
    public string LeaseNamespace { get; }

    /// <summary>The name of the Lease.</summary>
    public string LeaseName => _options.LeaseName;

    /// <summary>Whether this replica currently leads.</summary>
    public bool IsLeader => _isLeader;

    /// <summary>The identity of the last observed leader, or null if none has been seen.</summary>
    public string? CurrentLeader => _currentLeader;

    /// <summary>
    /// Campaigns until <paramref name="stoppingToken"/> is cancelled, running <paramref name="whileLeading"/> each time
    /// leadership is won with a token cancelled as soon as it is lost; releases the Lease when stopping.
    /// If <paramref name="whileLeading"/> fails, leadership is given up and the exception is rethrown.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> whileLeading, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(whileLeading);
        if (!Enabled)
        {
            await RunWithoutElectionAsync(whileLeading, stoppingToken).ConfigureAwait(false);
            return;
        }

        _logger.LogInformation(
            "Campaigning for leadership of Lease {Namespace}/{Lease} as {Identity}",
            LeaseNamespace,
            LeaseName,
            Identity);
        while (!stoppingToken.IsCancellationRequested)
        {
            var term = await CampaignOnceAsync(whileLeading, stoppingToken).ConfigureAwait(false);
            if (term.Failure is not null)
            {
                throw new InvalidOperationException("The work run while leading failed.", term.Failure);
            }

            if (!stoppingToken.IsCancellationRequested && term.Led)
            {
                _logger.LogWarning("Lost leadership of Lease {Namespace}/{Lease}; campaigning again", LeaseNamespace, LeaseName);
            }
        }
    }

    /// <summary>Hands the Lease back if this replica holds it, so a standby can acquire it on its next try.</summary>
    internal async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        // Another write (our own renewal still in flight, or a standby) may race with ours: re-read and retry.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                var lease = await _client.CoordinationV1
                    .ReadNamespacedLeaseAsync(LeaseName, LeaseNamespace, cancellationToken: cancellationToken)
                    .ConfigureAwait(false);
                if (lease.Spec?.HolderIdentity != Identity)
                {
                    return;
                }

                // Like client-go's ReleaseOnCancel: an empty holder lets the library's candidates skip the expiry wait.
                // Times must stay set, or candidates take the "create" path and fail on the existing Lease.
                var now = _timeProvider.GetUtcNow().UtcDateTime;
                lease.Spec.HolderIdentity = string.Empty;
                lease.Spec.LeaseDurationSeconds = 1;
                lease.Spec.RenewTime = now;
                lease.Spec.AcquireTime ??= now;
                await _client.CoordinationV1
                    .ReplaceNamespacedLeaseAsync(lease, LeaseName, LeaseNamespace, cancellationToken: cancellationToken)
                    .ConfigureAwait(false);
                _logger.LogInformation("Released Lease {Namespace}/{Lease}", LeaseNamespace, LeaseName);
                return;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                continue;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "Could not release Lease {Namespace}/{Lease}; a standby takes over when it expires", LeaseNamespace, LeaseName);
                return;
            }
        }
    }

    private async Task RunWithoutElectionAsync(Func<CancellationToken, Task> whileLeading, CancellationToken stoppingToken)
    {
        _logger.LogInformation("Leader election disabled; running as the only instance");
        SetLeader(true);
        try
        {
            await whileLeading(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            SetLeader(false);
        }
    }

    private async Task<Term> CampaignOnceAsync(Func<CancellationToken, Task> whileLeading, CancellationToken stoppingToken)
    {
        using var electorStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var leading = new CancellationTokenSource();
        Task? work = null;
        var led = false;
        var endedOnItsOwn = 0;
        var termOpen = 1;

        var config = new LeaderElectionConfig(new LeaseLock(_client, LeaseNamespace, LeaseName, Identity))
        {
            LeaseDuration = _options.LeaseDuration,
            RenewDeadline = _options.RenewDeadline,
            RetryPeriod = _options.RetryPeriod,
        };
        using var elector = new LeaderElector(config);
        elector.OnNewLeader += leader =>
        {
            _currentLeader = leader;
            _logger.LogInformation("Lease {Namespace}/{Lease} is held by {Leader}", LeaseNamespace, LeaseName, leader);

            // The library only gives up after the renew deadline; another holder is proof enough to stop now.
            // Its renewal task can outlive this term, hence the term check and the disposal guard.
            if (leader != Identity && Volatile.Read(ref termOpen) == 1 && led)
            {
                try
                {
                    leading.Cancel();
                    SetLeader(false);
                    electorStop.Cancel();
                }
                catch (ObjectDisposedException)
                {
                }
            }
        };
        elector.OnError += ex => _logger.LogDebug(ex, "Leader election attempt failed");
        elector.OnStartedLeading += () =>
        {
            led = true;
            _currentLeader = Identity;
            _logger.LogInformation("Became leader of Lease {Namespace}/{Lease}", LeaseNamespace, LeaseName);
            SetLeader(true);
            work = Task.Run(() => whileLeading(leading.Token), CancellationToken.None);

            // Work that ends on its own (crash or return) while leading must not keep the Lease from others.
            _ = work.ContinueWith(
                _ =>
                {
                    if (!leading.IsCancellationRequested)
                    {
                        Volatile.Write(ref endedOnItsOwn, 1);
                    }

                    try
                    {
                        electorStop.Cancel();
                    }
                    catch (ObjectDisposedException)
                    {
                        // The term is already over.
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        };
        elector.OnStoppedLeading += () =>
        {
            // Cancel first: not one more reconcile may start once the Lease may belong to someone else.
            leading.Cancel();
            SetLeader(false);
        };

        try
        {
            await elector.RunUntilLeadershipLostAsync(electorStop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (electorStop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Leader election loop failed");
        }
        finally
        {
            Volatile.Write(ref termOpen, 0);
            await leading.CancelAsync().ConfigureAwait(false);
            SetLeader(false);
        }

        Exception? failure = null;
        if (work is not null)
        {
            try
            {
                await work.ConfigureAwait(false);
                if (Volatile.Read(ref endedOnItsOwn) == 1 && !stoppingToken.IsCancellationRequested)
                {
                    failure = new InvalidOperationException("The work run while leading returned before leadership ended.");
                }
            }
            catch (OperationCanceledException) when (leading.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }

        if (led && (stoppingToken.IsCancellationRequested || failure is not null))
        {
            using var releaseTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _timeProvider);
            try
            {
                await ReleaseAsync(releaseTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _logger.LogWarning("Timed out releasing Lease {Namespace}/{Lease}", LeaseNamespace, LeaseName);
            }
        }
        else if (!stoppingToken.IsCancellationRequested && !led)
        {
            // The elector returned without ever leading (an error): do not spin.
            try
            {
                await Task.Delay(_options.RetryPeriod, _timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return new Term(led, failure);
    }

    private void SetLeader(bool leading)
    {
        var was = _isLeader;
        _isLeader = leading;
        if (was == leading)
        {
            return;
        }

        try
        {
            (leading ? StartedLeading : StoppedLeading)?.Invoke();
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "A leadership change handler failed");
        }
    }

    private readonly record struct Term(bool Led, Exception? Failure);
}
