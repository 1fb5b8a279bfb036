using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

/// <summary>
/// The milestones a status implies (stage entered, gate reached, rollback fired and finished, completion), each
/// keyed by run and stage. Derived from status alone, so after a crash between the status write and the Event
/// the next round records the missing Event, and never records one twice.
/// </summary>
internal static class MilestoneEvents
{
    public static IReadOnlyList<MigrationEvent> For(PoolMigrationStatus status)
    {
        var events = new List<MigrationEvent>();
        if (status.Run is not { } run || status.StageIndex is not { } index)
        {
            return events;
        }

        var stageKey = $"run{run}-stage{index}";
        if (status.Rollback is null && status.StageStartedAt is not null)
        {
            events.Add(new MigrationEvent(MigrationEvent.Normal, "StageStarted",
                $"Run {run}: stage {index} {status.StageName} started", stageKey));
        }

        if (status.Phase == Phases.AwaitingApproval)
        {
            events.Add(new MigrationEvent(MigrationEvent.Normal, "AwaitingApproval",
                $"Run {run}: stage {status.StageName} passed and waits for approval", $"{stageKey}-gate"));
        }

        if (status.PromotedAt is not null)
        {
            events.Add(new MigrationEvent(MigrationEvent.Normal, "StagesPassed",
                $"Run {run}: every stage passed; V1 stays warm for the rollback window", $"run{run}-promoted"));
        }

        if (status.Phase == Phases.Completed)
        {
            events.Add(new MigrationEvent(MigrationEvent.Normal, "Completed",
                $"Run {run}: migration completed, V1 scaled to 0", $"run{run}-completed"));
        }

        if (status.Rollback is { } rollback)
        {
            events.Add(new MigrationEvent(MigrationEvent.Warning, "RollbackTriggered",
                $"Run {run}: rollback from stage {rollback.FromStage} at weight {rollback.Weight}, trigger {rollback.Trigger}: {rollback.Reason}", $"run{run}-rollback"));
            if (status.Phase == Phases.RolledBack)
            {
                events.Add(new MigrationEvent(MigrationEvent.Warning, "RolledBack",
                    $"Run {run}: rolled back to the original state ({rollback.Trigger})", $"run{run}-rolledback"));
            }
        }

        return events;
    }
}
