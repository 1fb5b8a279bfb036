using k8s;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

/// <summary>
/// Writes <c>status.history</c> at the transitions it records, into the status of the round that makes them: the
/// history is persisted in the same write as the transition, so a crash can neither lose an entry nor add one twice,
/// and a round without a transition leaves it untouched. Values of the stage under way live in the status itself
/// (stageReadyAt, analysis) and are copied here when the stage ends.
/// </summary>
internal static class RunHistory
{
    /// <summary>Runs kept; older ones are dropped first.</summary>
    public const int MaxRuns = 10;

    /// <summary>Check values kept across all runs (about 80 bytes each), so the status stays far below etcd's object limit.</summary>
    public const int MaxCheckValues = 1000;

    /// <summary>Ends the run under way as restarted and opens the next one; call before the status moves to it.</summary>
    public static void BeginRun(DecisionRound round, string reason)
    {
        var status = round.Status;
        var history = status.History ??= [];
        if (history.LastOrDefault(r => r.Run == status.Run) is { EndedAt: null } previous)
        {
            EndOpenStage(round, previous, HistoryOutcomes.Restarted);
            End(previous, HistoryOutcomes.Restarted, round.Now);
        }

        history.Add(new RunRecord { Run = (status.Run ?? 0) + 1, Reason = RunReason(reason), StartedAt = round.Now.UtcDateTime });
        Trim(history);
    }

    /// <summary>Ends the stage under way with <paramref name="previousOutcome"/> and opens <paramref name="index"/>; call before the status moves to it.</summary>
    public static void EnterStage(DecisionRound round, int index, string previousOutcome)
    {
        var run = CurrentRun(round);
        EndOpenStage(round, run, previousOutcome);
        var stage = round.Plan.Stages[index];
        run.Stages.Add(new StageRecord
        {
            Index = index,
            Name = stage.Name,
            Weight = stage.Weight,
            ShadowPercent = stage.ShadowPercent,
            StartedAt = round.Now.UtcDateTime,
        });
        Trim(round.Status.History!);
    }

    /// <summary>The last stage passed: the rollback window begins.</summary>
    public static void Promoted(DecisionRound round)
    {
        var run = CurrentRun(round);
        EndOpenStage(round, run, HistoryOutcomes.Passed);
        run.PromotedAt = round.Now.UtcDateTime;
    }

    /// <summary>A rollback began: the stage under way ends with it, and the run keeps its trigger and snapshot.</summary>
    public static void RollbackStarted(DecisionRound round)
    {
        var run = CurrentRun(round);
        EndOpenStage(round, run, HistoryOutcomes.RolledBack);
        run.Rollback = CopyOf(round.Status.Rollback!);
    }

    public static void RolledBack(DecisionRound round)
    {
        var run = CurrentRun(round);
        if (run.Rollback is { } rollback)
        {
            rollback.CompletedAt = round.Now.UtcDateTime;
        }

        End(run, HistoryOutcomes.RolledBack, round.Now);
    }

    public static void Completed(DecisionRound round)
    {
        var run = CurrentRun(round);
        EndOpenStage(round, run, HistoryOutcomes.Passed);
        End(run, HistoryOutcomes.Completed, round.Now);
    }

    /// <summary>Copies the completed run's cleanup, as the status has it now, into the run's record.</summary>
    public static void RecordCleanup(DecisionRound round)
    {
        if (round.Status.Cleanup is { } cleanup)
        {
            CurrentRun(round).Cleanup = KubernetesJson.Deserialize<CleanupStatus>(KubernetesJson.Serialize(cleanup));
        }
    }

    /// <summary>The record of the run the status is in; a migration that began before history was kept gets one now.</summary>
    private static RunRecord CurrentRun(DecisionRound round)
    {
        var status = round.Status;
        var history = status.History ??= [];
        var runNumber = status.Run ?? 1;
        if (history.LastOrDefault(r => r.Run == runNumber) is { } run)
        {
            return run;
        }

        run = new RunRecord { Run = runNumber, StartedAt = round.Now.UtcDateTime };
        history.Add(run);
        Trim(history);
        return run;
    }

    private static void EndOpenStage(DecisionRound round, RunRecord run, string outcome)
    {
        if (run.Stages.LastOrDefault() is not { EndedAt: null } open)
        {
            return;
        }

        var status = round.Status;
        open.ReadyAt = status.StageIndex == open.Index ? status.StageReadyAt : null;
        open.EndedAt = round.Now.UtcDateTime;
        open.Outcome = outcome;
        open.Checks = [.. (status.Analysis?.Checks ?? []).Select(c => new CheckRecord
        {
            Name = c.Name,
            Verdict = c.Verdict,
            Value = c.Value,
            Baseline = c.Baseline,
            MeasuredAt = c.MeasuredAt,
        })];
    }

    private static void End(RunRecord run, string outcome, DateTimeOffset now)
    {
        run.EndedAt = now.UtcDateTime;
        run.Outcome = outcome;
    }

    /// <summary>Drops the oldest runs beyond the bounds; the run under way is always kept.</summary>
    private static void Trim(IList<RunRecord> history)
    {
        while (history.Count > 1 && (history.Count > MaxRuns || CheckValues(history) > MaxCheckValues))
        {
            history.RemoveAt(0);
        }
    }

    private static int CheckValues(IEnumerable<RunRecord> history) =>
        history.Sum(run => run.Stages.Sum(stage => stage.Checks.Count) + (run.Rollback?.Snapshot.Count ?? 0));

    private static RollbackStatus CopyOf(RollbackStatus rollback) => new()
    {
        Trigger = rollback.Trigger,
        Reason = rollback.Reason,
        At = rollback.At,
        FromStage = rollback.FromStage,
        Weight = rollback.Weight,
        Snapshot = AnalysisBook.Snapshot(rollback.Snapshot.Values),
    };

    private static string RunReason(string reason) => reason switch
    {
        "retry" => "Retry",
        _ => reason,
    };
}
