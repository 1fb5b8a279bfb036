using Microsoft.Extensions.Options;
using PoolOperator.Runtime.Informers;
using PoolOperator.Runtime.LeaderElection;

namespace PoolOperator.Runtime.Health;

/// <summary>
/// Liveness (the process runs and no reconcile loop is wedged) and readiness (informers synced, or a standby waiting
/// for leadership) of the operator, for the host to serve on /healthz and /readyz.
/// </summary>
public sealed class OperatorHealth(
    IEnumerable<IController> controllers,
    LeaderElectionService leaderElection,
    IOptions<OperatorRuntimeOptions> options)
{
    private readonly IController[] _controllers = [.. controllers];
    private volatile string? _failure;

    /// <summary>Passes unless the operator loop died or a reconcile loop has work but makes no progress.</summary>
    public HealthCheckResult CheckLiveness()
    {
        if (_failure is { } failure)
        {
            return new HealthCheckResult(false, $"operator loop failed: {failure}");
        }

        foreach (var controller in _controllers)
        {
            if (controller.IsWedged(options.Value.WedgedAfter, out var detail))
            {
                return new HealthCheckResult(false, $"controller {controller.Name} wedged: {detail}");
            }
        }

        return new HealthCheckResult(true, "ok");
    }

    /// <summary>Passes for a standby, and for the leader once every informer has synced.</summary>
    public HealthCheckResult CheckReadiness()
    {
        if (_failure is { } failure)
        {
            return new HealthCheckResult(false, $"operator loop failed: {failure}");
        }

        if (leaderElection.Enabled && !leaderElection.IsLeader)
        {
            // A standby must stay ready, or a rolling update waiting on readiness would never finish.
            return new HealthCheckResult(true, $"standby; leader is {leaderElection.CurrentLeader ?? "unknown"}");
        }

        var waiting = _controllers
            .SelectMany(c => c.Informers)
            .Distinct()
            .Where(i => !i.HasSynced && !IsInterestScoped(i))
            .Select(i => i.Description)
            .ToList();
        if (waiting.Count > 0)
        {
            return new HealthCheckResult(false, $"waiting for informers to sync: {string.Join(", ", waiting)}");
        }

        return new HealthCheckResult(true, leaderElection.Enabled ? "leader; informers synced" : "informers synced");
    }

    // An interest-scoped informer is briefly unsynced each time a new interest makes a namespace relist; its callers
    // check IsSynced for the namespace they read, and readiness must not flap with every new migration.
    private static bool IsInterestScoped(IInformer informer) =>
        informer.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(InterestInformer<>);

    /// <summary>Marks the operator as failed; both checks fail from now on.</summary>
    internal void ReportFailure(Exception exception) => _failure = exception.GetBaseException().Message;
}
