using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

/// <summary>
/// What happens to V1 after a completed run (<c>spec.completion.cleanup</c>). The plan is fixed in status when the run
/// completes (after the rollback window, so no rollback can want V1 any more); nothing is removed before its due time,
/// the end of the rollback window plus the retention, counted from status so a restarted operator keeps it. An object
/// counts as removed only once the caches show it gone; one found gone before the operator asked is recorded as such.
/// A spec edited afterwards can only call off removals still pending, never add one.
/// </summary>
internal static class Cleanup
{
    /// <summary>Fixes the run's cleanup as it completes; <paramref name="windowEnds"/> is when the rollback window closed.</summary>
    public static void Begin(DecisionRound round, DateTimeOffset windowEnds)
    {
        var plan = CleanupPlan.From(round.Migration.Spec);
        var status = round.Status;
        status.Cleanup = new CleanupStatus
        {
            Policy = plan.Policy,
            DueAt = (windowEnds + plan.Retention).UtcDateTime,
            Objects = [.. plan.Targets(round.Migration.Spec, status.Original)],
        };
        if (status.Cleanup.Objects.Count == 0)
        {
            status.Cleanup.FinishedAt = round.Now.UtcDateTime;
        }

        RunHistory.RecordCleanup(round);
        WriteMessage(round);
    }

    /// <summary>A round of a completed migration: waits for the due time, removes what is still there, records what went.</summary>
    public static void Continue(DecisionRound round)
    {
        if (round.Status.Cleanup is not { FinishedAt: null } cleanup)
        {
            return;
        }

        CallOffWhatTheSpecNoLongerAsks(round, cleanup);
        var dueAt = AnalysisBook.ToOffset(cleanup.DueAt!.Value);
        if (round.Now < dueAt)
        {
            round.Wake(dueAt);
        }
        else if (round.Input.PresentForCleanup is { } present)
        {
            foreach (var target in cleanup.Objects.Where(o => o.Outcome is null))
            {
                if (present.Contains(CleanupPolicies.Key(target.Kind, target.Name)))
                {
                    // Recorded before the request goes out: the status write comes first, so a removal is never lost.
                    target.RequestedAt ??= round.Now.UtcDateTime;
                    round.Remove(target.Kind, target.Name);
                }
                else
                {
                    target.DoneAt = round.Now.UtcDateTime;
                    target.Outcome = target.RequestedAt is null ? CleanupPolicies.AlreadyGone
                        : target.Kind == CleanupPolicies.HttpRoute ? CleanupPolicies.BackendRemoved
                        : CleanupPolicies.Deleted;
                }
            }
        }

        if (cleanup.Objects.All(o => o.Outcome is not null))
        {
            cleanup.FinishedAt = round.Now.UtcDateTime;
        }

        RunHistory.RecordCleanup(round);
        WriteMessage(round);
    }

    /// <summary>What the cleanup has made true, in words: the completed status' message and the <c>CleanedUp</c> condition.</summary>
    private static void WriteMessage(DecisionRound round)
    {
        var status = round.Status;
        var cleanup = status.Cleanup!;
        if (cleanup.Policy != CleanupPolicies.Delete)
        {
            return;
        }

        var pending = cleanup.Objects.Where(o => o.Outcome is null).ToList();
        string reason;
        string message;
        if (pending.Count == 0)
        {
            reason = "CleanedUp";
            message = $"cleaned up: {string.Join("; ", cleanup.Objects.Select(Done))}";
        }
        else if (round.Now < AnalysisBook.ToOffset(cleanup.DueAt!.Value))
        {
            reason = "RetentionPending";
            message = $"{Autoscaling.RetiredV1(status.Original?.V1.Autoscaler is not null)}; {List(pending)} will be removed at {AnalysisBook.ToOffset(cleanup.DueAt.Value):u}";
        }
        else
        {
            reason = "Removing";
            message = $"removing {List(pending)}";
        }

        status.Message = $"Completed: V2 serves 100%; {message}";
        ConditionWriter.Set(status, ConditionTypes.CleanedUp, pending.Count == 0, reason, message, round.Generation, round.Now);
    }

    private static void CallOffWhatTheSpecNoLongerAsks(DecisionRound round, CleanupStatus cleanup)
    {
        var stillAsked = CleanupPlan.From(round.Migration.Spec).Targets(round.Migration.Spec, round.Status.Original)
            .Select(o => CleanupPolicies.Key(o.Kind, o.Name))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var target in cleanup.Objects.Where(o => o.Outcome is null && !stillAsked.Contains(CleanupPolicies.Key(o.Kind, o.Name))))
        {
            target.Outcome = CleanupPolicies.Kept;
            target.DoneAt = round.Now.UtcDateTime;
        }
    }

    public static string Describe(CleanupObject target) => target.Kind == CleanupPolicies.HttpRoute
        ? $"V1's backendRef in HTTPRoute {target.Name}"
        : $"{target.Kind} {target.Name}";

    private static string List(IEnumerable<CleanupObject> targets) => string.Join(", ", targets.Select(Describe));

    public static string Done(CleanupObject target) => target.Outcome switch
    {
        CleanupPolicies.Deleted => $"deleted {Describe(target)}",
        CleanupPolicies.BackendRemoved => $"removed {Describe(target)}",
        CleanupPolicies.AlreadyGone => $"{Describe(target)} was already gone",
        CleanupPolicies.Kept => $"kept {Describe(target)} (spec.completion.cleanup no longer asks to remove it)",
        _ => $"{Describe(target)} pending",
    };
}
