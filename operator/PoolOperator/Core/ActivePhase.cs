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
            var untouched = stage.Index == 0 && (status.Weight ?? 0) == 0 && (status.ShadowPercent ?? 0) == 0;
            status.Phase = untouched ? Phases.Initializing : stage.IsShadow ? Phases.Shadowing : Phases.Progressing;
            status.Message = $"Stage {stage.Name}: {WhatTheStageWaitsFor(round, StageTargets.For(round, stage))}";
        }
        else
        {
            status.Phase = stage.IsShadow ? Phases.Shadowing : Phases.Progressing;
            status.Message = $"Stage {stage.Name}: {TrafficWording.InPlace(round.Plan, stage, status.Weight ?? 0, round.V2.SpecReplicas, round.Total)}";
        }
    }

    /// <summary>
    /// The first thing still missing, in the order capacity first moves: V2's ready pods, then the traffic, then
    /// the pools' sizes (V2 shrinking after a larger shadow share, V1 after the traffic left it).
    /// </summary>
    private static string WhatTheStageWaitsFor(DecisionRound round, StageTargets targets)
    {
        var (v1, v2, status) = (round.V1, round.V2, round.Status);
        if (v2.DependableReady < targets.V2)
        {
            return v2.Settled ? $"waiting for {targets.V2} ready V2 replicas ({v2.ReadyReplicas} ready)" : Settling("V2", v2);
        }

        if (CapacityFirst.NotYetCarried(round) is [var behind, ..])
        {
            return $"waiting for {behind.Carrier} to carry V2 weight {status.Weight ?? 0}, shadow {status.ShadowPercent ?? 0}% (it carries weight {behind.V2Weight}, shadow {behind.ShadowPercent}%)";
        }

        return v2.SpecReplicas != targets.V2
            ? Resizing("V2", v2, targets.V2)
            : v1.SpecReplicas != targets.V1
                ? Resizing("V1", v1, targets.V1)
                : v1.Settled ? $"waiting for {targets.V1} ready V1 replicas ({v1.ReadyReplicas} ready)" : Settling("V1", v1);
    }

    private static string Settling(string pool, DeploymentObservation deployment) =>
        $"waiting for the {pool} Deployment's status to catch up with its spec of {deployment.SpecReplicas} replicas (it counts {deployment.ReadyReplicas} ready)";

    private static string Resizing(string pool, DeploymentObservation deployment, int target) =>
        deployment.Autoscaler is { } hpa && deployment.SpecReplicas != 0
            ? $"setting {pool}'s HorizontalPodAutoscaler {hpa.Name} to minReplicas {target} (it has {hpa.MinReplicas})"
            : $"scaling {pool} from {deployment.SpecReplicas} to {target} replicas";
}
