using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

/// <summary>
/// A migration's life around its stages: the original state, starting a run, restarting it on a spec or V2
/// template change, an invalid spec and Deployments that went missing.
/// </summary>
internal static class Lifecycle
{
    public static void ObserveReplicaCounts(DecisionRound round)
    {
        if (round.Input.V1 is { } v1)
        {
            round.Status.V1 = new PoolReplicaStatus { Replicas = v1.SpecReplicas, ReadyReplicas = v1.ReadyReplicas };
        }

        if (round.Input.V2 is { } v2)
        {
            round.Status.V2 = new PoolReplicaStatus { Replicas = v2.SpecReplicas, ReadyReplicas = v2.ReadyReplicas };
        }
    }

    public static void MarkInvalid(DecisionRound round, IEnumerable<string> problems)
    {
        var status = round.Status;
        var message = string.Join("; ", problems);
        var changed = status.Phase != Phases.Invalid || status.Message != message || status.ObservedGeneration != round.Generation;
        status.Phase = Phases.Invalid;
        status.ObservedGeneration = round.Generation;
        status.Message = message;
        if (changed)
        {
            round.Warning("InvalidSpec", message);
        }

        Conditions.Write(round);
    }

    public static void HoldForMissingDeployment(DecisionRound round)
    {
        var (status, spec) = (round.Status, round.Migration.Spec);
        var (field, name) = round.Input.V1 is null ? ("spec.v1.deployment", spec.V1.Deployment) : ("spec.v2.deployment", spec.V2.Deployment);
        if (status.Original is null)
        {
            MarkInvalid(round, [$"{field}: Deployment \"{name}\" not found in namespace {round.Migration.Metadata.NamespaceProperty}"]);
            return;
        }

        // Mid-migration the Deployment was deleted: stop where we stand and touch nothing else.
        if (status.Pause?.Reason != PauseReasons.DeploymentMissing)
        {
            status.Pause = new PauseStatus
            {
                Reason = PauseReasons.DeploymentMissing,
                Message = $"Deployment \"{name}\" ({field}) was deleted; nothing is changed until it exists again",
                At = round.Now.UtcDateTime,
            };
            round.Warning("DeploymentMissing", status.Pause.Message);
        }

        if (Phases.IsIn(Phases.Active, status.Phase))
        {
            status.Phase = Phases.Paused;
        }

        status.Message = status.Pause.Message;
        Conditions.Write(round);
    }

    public static void ContinueWhenDeploymentsFound(DecisionRound round)
    {
        if (round.Status.Pause?.Reason == PauseReasons.DeploymentMissing)
        {
            round.Status.Pause = null;
            round.Normal("DeploymentFound", "Both Deployments exist again; continuing");
        }
    }

    /// <summary>Starts the first run, or restarts from the first stage on a spec or V2 template change. True when it did.</summary>
    public static bool StartOrRestartWhenNeeded(DecisionRound round)
    {
        if (round.Status.Original is null)
        {
            RecordOriginal(round);
            round.Status.ObservedGeneration = round.Generation;
            StartRun(round, "Started");
            return true;
        }

        if (RestartOnNewGeneration(round))
        {
            return true;
        }

        // A revert in flight keeps the generation it answers to: a newer one is acted on once RolledBack.
        if (round.Status.Phase != Phases.RollingBack)
        {
            round.Status.ObservedGeneration = round.Generation;
        }

        return RestartOnTemplateChange(round);
    }

    /// <summary>Starts a new run at the first stage; the caller has said why in an Event when it is no first start.</summary>
    public static void StartRun(DecisionRound round, string reason)
    {
        RunHistory.BeginRun(round, reason);
        var status = round.Status;
        status.Run = (status.Run ?? 0) + 1;
        status.Rollback = null;
        status.Pause = null;
        status.PromotedAt = null;
        status.CompletedAt = null;
        status.Cleanup = null;
        status.V2TemplateHash = round.V2.TemplateHash;
        status.SpecHash = SpecFingerprint.Of(round.Migration.Spec);
        status.Weight ??= 0;
        status.ShadowPercent ??= 0;
        AnalysisBook.Clear(status);

        // Requests made before this run started belong to the previous one.
        Requests.MarkAllHandled(round);
        StageProgression.Enter(round, 0);
        status.Phase = Phases.Initializing;
        status.Message = reason == "Started" ? "Recorded the original state; starting the first stage" : $"Restarting from the first stage ({reason})";
    }

    // A revert in flight finishes first; a new generation starts once it is RolledBack. spec.paused freezes the
    // migration where it stands, so a generation that changed only that is no restart.
    private static bool RestartOnNewGeneration(DecisionRound round)
    {
        var (status, generation) = (round.Status, round.Generation);
        if (status.ObservedGeneration == generation || status.Phase == Phases.RollingBack
            || (status.SpecHash == SpecFingerprint.Of(round.Migration.Spec) && status.Phase != Phases.Invalid))
        {
            return false;
        }

        var wasRolledBack = status.Phase is Phases.RolledBack;
        status.ObservedGeneration = generation;
        round.Normal("SpecChanged", wasRolledBack
            ? $"Spec generation {generation}: retrying from the first stage"
            : $"Spec generation {generation}: restarting from the first stage");
        StartRun(round, "SpecChanged");
        return true;
    }

    private static bool RestartOnTemplateChange(DecisionRound round)
    {
        var status = round.Status;

        // The hash may be unknown when the run starts (no ReplicaSet yet); the first one seen is the run's.
        status.V2TemplateHash ??= round.V2.TemplateHash;
        if (round.V2.TemplateHash is not { } hash || status.V2TemplateHash is not { } known || hash == known
            || round.Reverting || status.Phase == Phases.Invalid)
        {
            return false;
        }

        round.Normal("V2TemplateChanged", "V2's pod template changed: restarting from the first stage");
        StartRun(round, "V2TemplateChanged");
        return true;
    }

    private static void RecordOriginal(DecisionRound round) => round.Status.Original = new OriginalState
    {
        RecordedAt = round.Now.UtcDateTime,
        Replicas = round.Migration.Spec.Replicas ?? round.V1.SpecReplicas,
        V1 = new OriginalDeployment { Deployment = round.V1.Name, Replicas = round.Input.V1!.SpecReplicas, Autoscaler = Autoscaling.Record(round.V1.Autoscaler) },
        V2 = new OriginalDeployment { Deployment = round.V2.Name, Replicas = round.Input.V2!.SpecReplicas, Autoscaler = Autoscaling.Record(round.V2.Autoscaler) },
    };
}
