using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PoolOperator.Runtime.Health;
using PoolOperator.Runtime.LeaderElection;

namespace PoolOperator.Runtime;

/// <summary>
/// The hosted service that, while this replica leads (or always, with election disabled), runs every registered
/// controller's informers and reconcile loop, and stops them the moment leadership is lost.
/// </summary>
public sealed class OperatorHost(
    IEnumerable<IController> controllers,
    LeaderElectionService leaderElection,
    OperatorHealth health,
    ILogger<OperatorHost> logger) : BackgroundService
{
    private readonly IController[] _controllers = [.. controllers];

    /// <summary>Runs the distinct informers of <paramref name="controllers"/> and the controllers until cancelled; if one fails, all stop and the failure is rethrown.</summary>
    public static async Task RunControllersAsync(IEnumerable<IController> controllers, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(controllers);
        ArgumentNullException.ThrowIfNull(logger);
        var list = controllers.ToList();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        async Task Guard(string what, Func<CancellationToken, Task> run)
        {
            try
            {
                await run(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                logger.LogCritical(ex, "{What} failed; stopping all controllers", what);
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }

        var tasks = list
            .SelectMany(c => c.Informers)
            .Distinct()
            .Select(i => Guard($"Informer {i.Description}", i.RunAsync))
            .Concat(list.Select(c => Guard($"Controller {c.Name}", c.RunAsync)))
            .ToList();
        if (tasks.Count == 0)
        {
            tasks.Add(Guard("Idle wait", ct => Task.Delay(Timeout.Infinite, ct)));
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await leaderElection
                .RunAsync(ct => RunControllersAsync(_controllers, logger, ct), stoppingToken)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            health.ReportFailure(ex);
            logger.LogCritical(ex, "Operator loop failed");
            throw;
        }
    }
}
