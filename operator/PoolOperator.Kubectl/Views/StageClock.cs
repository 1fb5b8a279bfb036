using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Kubectl.Views;

/// <summary>What the current stage waits for and how long it has left, from the status and the clock.</summary>
internal static class StageClock
{
    public static string Describe(PoolMigration migration, DateTimeOffset now)
    {
        var status = migration.Status;
        if (status?.Phase is null || status.StageIndex is not { } index)
        {
            return "not started";
        }

        var plan = MigrationPlan.From(migration.Spec);
        switch (status.Phase)
        {
            case Phases.Completed:
                return "done";
            case Phases.RollingBack or Phases.RolledBack:
                return "rolled back; no stage is running";
            case Phases.Invalid:
                return "invalid spec; no stage is running";
            case Phases.AwaitingApproval:
                return "duration done; waiting for approval";
        }

        if (status.PromotedAt is { } promotedAt)
        {
            return $"{Durations.Short(Durations.Utc(promotedAt) + plan.RollbackWindow - now)} left in the rollback window, then V1 scales to 0";
        }

        if (status.Pause is { } pause)
        {
            return $"paused ({pause.Reason}): {pause.Message}";
        }

        if (index >= plan.Stages.Count)
        {
            return "";
        }

        var stage = plan.Stages[index];
        if (status.StageReadyAt is not { } readyAt)
        {
            var deadline = status.StageStartedAt is { } started ? Durations.Utc(started) + plan.ProgressDeadline - now : plan.ProgressDeadline;
            return $"waiting for V2 capacity (progress deadline in {Durations.Short(deadline)})";
        }

        var left = Durations.Utc(readyAt) + stage.Duration - now;
        return left > TimeSpan.Zero ? $"{Durations.Short(left)} left of {Durations.Short(stage.Duration)}" : "duration done; waiting for every check to pass";
    }
}
