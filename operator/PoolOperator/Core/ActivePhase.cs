namespace PoolOperator.Core;

/// <summary>The phase and message of a run that moves forward, from where its stage stands.</summary>
internal static class ActivePhase
{
    public static void Set(DecisionRound round)
    {
        var status = round.Status;
        var stage = round.Plan.Stages[status.StageIndex ?? 0];
        if (status.Pause is not null)
        {
            status.Phase = Phases.Paused;
            status.Message = $"Paused at stage {stage.Name} ({status.Pause.Reason}): {status.Pause.Message}";
        }
        else if (status.PromotedAt is not null)
        {
            status.Phase = Phases.Completing;
            status.Message = $"All stages passed; V1 stays warm until {AnalysisBook.ToOffset(status.PromotedAt.Value) + round.Plan.RollbackWindow:u}, then {(round.V1.Autoscaler is null ? "scales to 0" : $"its HorizontalPodAutoscaler holds it at {Autoscaling.RetiredReplicas} replica")}";
        }
        else if (status.Phase == Phases.AwaitingApproval && status.StageReadyAt is not null)
        {
            status.Message = $"Stage {stage.Name} passed at weight {status.Weight}; waiting for approval (annotate {ActionAnnotations.Approve})";
        }
        else if (status.StageReadyAt is null)
        {
            var (_, v2Target) = ReplicaMath.ForStage(round.Total, stage);
            var untouched = stage.Index == 0 && (status.Weight ?? 0) == 0 && (status.ShadowPercent ?? 0) == 0;
            status.Phase = untouched ? Phases.Initializing : stage.IsShadow ? Phases.Shadowing : Phases.Progressing;
            status.Message = CapacityFirst.NotYetCarried(round) is [var behind, ..] && round.V2.ReadyReplicas >= v2Target
                ? $"Stage {stage.Name}: waiting for {behind.Carrier} to carry V2 weight {status.Weight ?? 0}, shadow {status.ShadowPercent ?? 0}% (it carries weight {behind.V2Weight}, shadow {behind.ShadowPercent}%)"
                : $"Stage {stage.Name}: waiting for {v2Target} ready V2 replicas ({round.V2.ReadyReplicas} ready)";
        }
        else
        {
            status.Phase = stage.IsShadow ? Phases.Shadowing : Phases.Progressing;
            status.Message = $"Stage {stage.Name}: {TrafficWording.InPlace(round.Plan, stage, status.Weight ?? 0, round.V2.SpecReplicas, round.Total)}";
        }
    }
}
