using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

/// <summary>
/// The migration's decision core: from the PoolMigration (spec, action annotations, status), the observed
/// Deployments, the measurements taken this round and the time, it computes the next status and the desired
/// state to apply. It performs no I/O, so every transition is a plain function call in the unit tests, and the
/// reconciler can persist the status before applying anything that depends on it.
/// </summary>
internal static class MigrationDecider
{
    public static MigrationDecision Decide(MigrationInput input)
    {
        var round = new DecisionRound(input);
        round.Run();
        return round.ToDecision();
    }

    private sealed class DecisionRound(MigrationInput input)
    {
        private readonly PoolMigration migration = input.Migration;
        private readonly PoolMigrationStatus status = StatusCloner.Clone(input.Migration.Status);
        private readonly MigrationPlan plan = MigrationPlan.From(input.Migration.Spec);
        private readonly DateTimeOffset now = input.Now;
        private readonly long generation = input.Migration.Metadata.Generation ?? 1;
        private readonly List<MigrationAction> actions = [];
        private readonly List<MigrationEvent> events = [];
        private readonly List<DateTimeOffset> wakeUps = [];
        private readonly List<int> enteredStages = [];

        private DeploymentObservation V1 => input.V1!;

        private DeploymentObservation V2 => input.V2!;

        private int Total => migration.Spec.Replicas ?? status.Original?.Replicas ?? V1.SpecReplicas;

        public MigrationDecision ToDecision()
        {
            TimeSpan? requeue = wakeUps.Count == 0 ? null : wakeUps.Min() - now;
            if (requeue < TimeSpan.Zero)
            {
                requeue = TimeSpan.Zero;
            }

            // Later actions in a round supersede earlier ones for the same object (by position: equal records are still duplicates).
            var final = actions.Where((action, i) => !actions.Skip(i + 1).Any(later => SameTarget(action, later))).ToList();
            return new MigrationDecision(status, final, events, requeue);
        }

        private static bool SameTarget(MigrationAction first, MigrationAction second) => (first, second) switch
        {
            (ScaleDeployment a, ScaleDeployment b) => a.Deployment == b.Deployment,
            (ScaleDeployment, _) or (_, ScaleDeployment) => false,
            _ => first.GetType() == second.GetType(),
        };

        private bool Reverting => status.Phase is Phases.RollingBack or Phases.RolledBack;

        public void Run()
        {
            ObserveReplicaCounts();
            if (status.Phase == Phases.Completed)
            {
                // A finished migration is never re-run, whatever restarts or spec edits happen afterwards.
                status.ObservedGeneration = generation;
                RecordMilestones();
                return;
            }

            if (input.SpecErrors.Count > 0)
            {
                MarkInvalid(input.SpecErrors.Select(e => $"{e.Field}: {e.Message}"));
                return;
            }

            if (input.V1 is null || input.V2 is null)
            {
                HandleMissingDeployment();
                return;
            }

            if (status.Pause?.Reason == PauseReasons.DeploymentMissing)
            {
                status.Pause = null;
                events.Add(new MigrationEvent(MigrationEvent.Normal, "DeploymentFound", "Both Deployments exist again; continuing"));
            }

            if (!StartOrRestartWhenNeeded())
            {
                HandleActionRequests();
            }

            switch (status.Phase)
            {
                case Phases.RollingBack:
                    ContinueRollback();
                    break;
                case Phases.RolledBack:
                    // Reasserted every round: the round that reached RolledBack may have crashed before restoring the traffic.
                    RestoreTraffic();
                    break;
                default:
                    Advance();
                    break;
            }

            WriteConditions();
            RecordMilestones();
        }

        private void ObserveReplicaCounts()
        {
            if (input.V1 is { } v1)
            {
                status.V1 = new PoolReplicaStatus { Replicas = v1.SpecReplicas, ReadyReplicas = v1.ReadyReplicas };
            }

            if (input.V2 is { } v2)
            {
                status.V2 = new PoolReplicaStatus { Replicas = v2.SpecReplicas, ReadyReplicas = v2.ReadyReplicas };
            }
        }

        private void MarkInvalid(IEnumerable<string> problems)
        {
            var message = string.Join("; ", problems);
            var changed = status.Phase != Phases.Invalid || status.Message != message || status.ObservedGeneration != generation;
            status.Phase = Phases.Invalid;
            status.ObservedGeneration = generation;
            status.Message = message;
            if (changed)
            {
                events.Add(new MigrationEvent(MigrationEvent.Warning, "InvalidSpec", message));
            }

            WriteConditions();
        }

        private void HandleMissingDeployment()
        {
            var (field, name) = input.V1 is null
                ? ("spec.v1.deployment", migration.Spec.V1.Deployment)
                : ("spec.v2.deployment", migration.Spec.V2.Deployment);
            if (status.Original is null)
            {
                MarkInvalid([$"{field}: Deployment \"{name}\" not found in namespace {migration.Metadata.NamespaceProperty}"]);
                return;
            }

            // Mid-migration the Deployment was deleted: stop where we stand and touch nothing else.
            if (status.Pause?.Reason != PauseReasons.DeploymentMissing)
            {
                status.Pause = new PauseStatus
                {
                    Reason = PauseReasons.DeploymentMissing,
                    Message = $"Deployment \"{name}\" ({field}) was deleted; nothing is changed until it exists again",
                    At = now.UtcDateTime,
                };
                events.Add(new MigrationEvent(MigrationEvent.Warning, "DeploymentMissing", status.Pause.Message));
            }

            if (IsActive(status.Phase))
            {
                status.Phase = Phases.Paused;
            }

            status.Message = status.Pause.Message;
            WriteConditions();
        }

        /// <summary>Starts the first run, or restarts from the first stage on a spec or V2 template change. True when it did.</summary>
        private bool StartOrRestartWhenNeeded()
        {
            if (status.Original is null)
            {
                RecordOriginal();
                status.ObservedGeneration = generation;
                StartRun("Started");
                return true;
            }

            // A revert in flight finishes first; a new generation starts once it is RolledBack. spec.paused freezes
            // the migration where it stands, so a generation that changed only that is no restart.
            if (status.ObservedGeneration != generation && status.Phase != Phases.RollingBack
                && (status.SpecHash != SpecFingerprint.Of(migration.Spec) || status.Phase == Phases.Invalid))
            {
                var wasRolledBack = status.Phase is Phases.RolledBack;
                status.ObservedGeneration = generation;

                events.Add(new MigrationEvent(MigrationEvent.Normal, "SpecChanged",
                    wasRolledBack ? $"Spec generation {generation}: retrying from the first stage" : $"Spec generation {generation}: restarting from the first stage"));
                StartRun("SpecChanged");
                return true;
            }

            if (status.Phase != Phases.RollingBack)
            {
                status.ObservedGeneration = generation;
            }

            // The hash may be unknown when the run starts (no ReplicaSet yet); the first one seen is the run's.
            status.V2TemplateHash ??= V2.TemplateHash;
            if (V2.TemplateHash is { } hash && status.V2TemplateHash is { } known && hash != known
                && status.Phase is not (Phases.RollingBack or Phases.RolledBack or Phases.Invalid))
            {
                events.Add(new MigrationEvent(MigrationEvent.Normal, "V2TemplateChanged", "V2's pod template changed: restarting from the first stage"));
                StartRun("V2TemplateChanged");
                return true;
            }

            return false;
        }

        private void RecordOriginal()
        {
            var original = new OriginalState
            {
                RecordedAt = now.UtcDateTime,
                Replicas = migration.Spec.Replicas ?? V1.SpecReplicas,
                V1 = new OriginalDeployment { Deployment = V1.Name, Replicas = V1.SpecReplicas },
                V2 = new OriginalDeployment { Deployment = V2.Name, Replicas = V2.SpecReplicas },
            };
            status.Original = original;
        }

        private void StartRun(string reason)
        {
            status.Run = (status.Run ?? 0) + 1;
            status.Rollback = null;
            status.Pause = null;
            status.PromotedAt = null;
            status.CompletedAt = null;
            status.V2TemplateHash = V2.TemplateHash;
            status.SpecHash = SpecFingerprint.Of(migration.Spec);
            status.Weight ??= 0;
            status.ShadowPercent ??= 0;
            AnalysisBook.Clear(status);
            // Requests made before this run started belong to the previous one.
            MarkAllRequestsHandled();
            EnterStage(0);
            status.Phase = Phases.Initializing;
            status.Message = reason == "Started" ? "Recorded the original state; starting the first stage" : $"Restarting from the first stage ({reason})";
        }

        private void EnterStage(int index)
        {
            var stage = plan.Stages[index];
            status.StageIndex = index;
            status.StageName = stage.Name;
            status.StageStartedAt = now.UtcDateTime;
            status.StageReadyAt = null;
            AnalysisBook.StartStage(status);
            enteredStages.Add(index);
        }

        private void MarkAllRequestsHandled()
        {
            status.HandledActions ??= new HandledActions();
            status.HandledActions.Approve = Annotation(ActionAnnotations.Approve);
            status.HandledActions.Promote = Annotation(ActionAnnotations.Promote);
            status.HandledActions.Abort = Annotation(ActionAnnotations.Abort);
            status.HandledActions.Resume = Annotation(ActionAnnotations.Resume);
            status.HandledActions.Retry = Annotation(ActionAnnotations.Retry);
        }

        private string? Annotation(string name) =>
            migration.Metadata.Annotations is { } annotations && annotations.TryGetValue(name, out var value) ? value : null;

        private bool Pending(string name, string? handled) => Annotation(name) is { Length: > 0 } token && token != handled;

        private void HandleActionRequests()
        {
            status.HandledActions ??= new HandledActions();
            var handled = status.HandledActions;
            var active = IsActive(status.Phase);

            if (Pending(ActionAnnotations.Retry, handled.Retry))
            {
                if (status.Phase == Phases.RollingBack)
                {
                    // Left pending on purpose: the retry starts as soon as the revert is complete.
                }
                else if (status.Phase == Phases.RolledBack || status.Pause?.Reason == PauseReasons.Trigger)
                {
                    events.Add(new MigrationEvent(MigrationEvent.Normal, "Retry", "Retry requested: starting again from the first stage"));
                    StartRun("retry");
                    return;
                }
                else
                {
                    handled.Retry = Annotation(ActionAnnotations.Retry);
                    Ignored("retry", "there is no rollback or failed check to retry from");
                }
            }

            if (Pending(ActionAnnotations.Abort, handled.Abort))
            {
                handled.Abort = Annotation(ActionAnnotations.Abort);
                if (active)
                {
                    StartRollback("abort", "aborted by a person");
                    return;
                }

                Ignored("abort", $"the migration is {status.Phase}");
            }

            if (Pending(ActionAnnotations.Promote, handled.Promote))
            {
                handled.Promote = Annotation(ActionAnnotations.Promote);
                if (active && status.PromotedAt is null)
                {
                    var last = plan.Stages.Count - 1;
                    events.Add(new MigrationEvent(MigrationEvent.Normal, "Promoted", $"Promoted by a person: skipping to the last stage {plan.Stages[last].Name}"));
                    if (status.StageIndex != last)
                    {
                        EnterStage(last);
                    }
                }
                else
                {
                    Ignored("promote", $"the migration is {status.Phase}");
                }
            }

            if (Pending(ActionAnnotations.Approve, handled.Approve) && status.Phase != Phases.AwaitingApproval)
            {
                // An approval only ever passes the gate that is waiting now, never a future one.
                handled.Approve = Annotation(ActionAnnotations.Approve);
                Ignored("approve", "no stage is awaiting approval");
            }

            if (Pending(ActionAnnotations.Resume, handled.Resume))
            {
                handled.Resume = Annotation(ActionAnnotations.Resume);
                if (status.Pause?.Reason is PauseReasons.Trigger or PauseReasons.Inconclusive)
                {
                    events.Add(new MigrationEvent(MigrationEvent.Normal, "Resumed", $"Resumed by a person after: {status.Pause.Message}"));
                    status.Pause = null;
                    AnalysisBook.ResetStreaks(status);
                    if (status.Phase == Phases.Paused)
                    {
                        status.Phase = Phases.Progressing;
                    }
                }
                else if (status.Pause?.Reason is PauseReasons.Spec or PauseReasons.Annotation)
                {
                    // The documented resume command removes the paused annotation along with the token: then this
                    // round lifts the pause, and the token is not reported as ignored.
                    if (LevelPauseReason() is { } holding)
                    {
                        Ignored("resume", holding == PauseReasons.Spec
                            ? "spec.paused is true; set it to false to resume"
                            : $"annotation {ActionAnnotations.Paused} is set; remove it to resume");
                    }
                }
                else
                {
                    Ignored("resume", "the migration is not paused");
                }
            }

        }

        private void Ignored(string action, string why) =>
            events.Add(new MigrationEvent(MigrationEvent.Normal, "ActionIgnored", $"{action} ignored: {why}"));

        private static bool IsActive(string? phase) => phase is not (Phases.Completed or Phases.RollingBack or Phases.RolledBack or Phases.Invalid);

        private void Advance()
        {
            var stage = plan.Stages[Math.Clamp(status.StageIndex ?? 0, 0, plan.Stages.Count - 1)];
            if (status.StageIndex != stage.Index)
            {
                EnterStage(stage.Index);
            }

            // Measurements of this round were taken before this round's actions: they speak for the stage only when
            // its capacity and traffic were already in place when the round began.
            var readyBeforeRound = status.StageReadyAt is not null;
            ApplyLevelPause();

            var total = Total;
            var (v1Target, v2Target) = ReplicaMath.ForStage(total, stage);
            var completing = status.PromotedAt is not null;
            if (stage.Weight == 100 || completing)
            {
                // At 100% V1 stays warm, holding what it has, until the rollback window has passed.
                v1Target = V1.SpecReplicas;
                v2Target = total;
            }

            // Checks are judged before anything moves: a trigger or an inconclusive pause holds this round's traffic.
            RecordAnalysis(v2Target, readyBeforeRound);
            var triggered = JudgeAnalysis();
            if (Reverting)
            {
                return;
            }

            // V1 goes only when nothing holds the migration and V2 alone has the ready capacity for everything.
            var windowEnds = completing ? AnalysisBook.ToOffset(status.PromotedAt!.Value) + plan.RollbackWindow : now;
            if (completing && status.Pause is null && now >= windowEnds && V2.ReadyReplicas >= total && V2.SpecReplicas >= total)
            {
                v1Target = 0;
            }

            var trafficWeight = completing ? 100 : stage.Weight;
            if (status.Pause is null)
            {
                ShiftTrafficWhenReceiverReady(trafficWeight, stage.ShadowPercent, v1Target, v2Target);
            }

            var applied = status.Weight == trafficWeight && status.ShadowPercent == stage.ShadowPercent;

            // Capacity first: a pool grows at once, and shrinks only after the traffic left it for the other pool,
            // and only while that pool holds its target ready (a shrink repeated after a crash finds it as it is now).
            var v2Desired = applied && V1.ReadyReplicas >= v1Target ? v2Target : Math.Max(V2.SpecReplicas, v2Target);
            var v1Desired = applied && V2.ReadyReplicas >= v2Target ? v1Target : Math.Max(V1.SpecReplicas, v1Target);

            var stageReady = applied && V2.SpecReplicas == v2Target && V1.SpecReplicas == v1Target
                && V2.ReadyReplicas >= v2Target && V1.ReadyReplicas >= Math.Min(v1Target, V1.SpecReplicas);
            if (stageReady && status.StageReadyAt is null)
            {
                status.StageReadyAt = now.UtcDateTime;
            }

            // The deadline is V2's to meet: a stage waiting only for V1's scale-down to be observed is not late.
            if (!triggered && status.StageReadyAt is null && status.Pause is null && V2.ReadyReplicas < v2Target
                && now >= AnalysisBook.ToOffset(status.StageStartedAt!.Value) + plan.ProgressDeadline)
            {
                triggered = Trigger(BuiltInChecks.ProgressDeadline,
                    $"V2 did not reach {v2Target} ready replicas within {plan.ProgressDeadline.TotalSeconds:0}s of stage {stage.Name} ({V2.ReadyReplicas} ready)");
                if (Reverting)
                {
                    return;
                }
            }

            if (triggered)
            {
                // Paused by a trigger: hold the current desired state, judge nothing further.
            }
            else if (completing)
            {
                if (v1Target == 0 && V1.SpecReplicas == 0)
                {
                    status.Phase = Phases.Completed;
                    status.CompletedAt = now.UtcDateTime;
                    status.Message = $"Completed: V2 serves 100% with {V2.ReadyReplicas}/{total} ready; V1 scaled to 0";
                }
                else
                {
                    Wake(windowEnds);
                }
            }
            else if (status.Pause is null && status.StageReadyAt is { } readyAt)
            {
                var stageDone = now >= AnalysisBook.ToOffset(readyAt) + stage.Duration;
                if (!stageDone)
                {
                    Wake(AnalysisBook.ToOffset(readyAt) + stage.Duration);
                }
                else if (AnalysisBook.StagePassed(status, plan))
                {
                    PassStage(stage);
                }
            }
            else if (status.StageReadyAt is null)
            {
                Wake(AnalysisBook.ToOffset(status.StageStartedAt!.Value) + plan.ProgressDeadline);
            }

            if (status.Phase != Phases.Completed)
            {
                SetActivePhase();
            }

            EmitForward(v1Desired, v2Desired);
        }

        /// <summary>Growth first, then the traffic, then shrinking: a pool only loses pods after the traffic has left it.</summary>
        private void EmitForward(int v1Desired, int v2Desired)
        {
            if (v2Desired > V2.SpecReplicas)
            {
                Scale(V2, v2Desired);
            }

            if (v1Desired > V1.SpecReplicas)
            {
                Scale(V1, v1Desired);
            }

            PublishTraffic();
            if (v2Desired < V2.SpecReplicas)
            {
                Scale(V2, v2Desired);
            }

            if (v1Desired < V1.SpecReplicas)
            {
                Scale(V1, v1Desired);
            }
        }

        /// <summary>What holds the migration paused right now, from the spec and the annotations; null when nothing does.</summary>
        private string? LevelPauseReason() =>
            plan.Paused ? PauseReasons.Spec
            : string.Equals(Annotation(ActionAnnotations.Paused), "true", StringComparison.OrdinalIgnoreCase) ? PauseReasons.Annotation
            : null;

        private void ApplyLevelPause()
        {
            var levelReason = LevelPauseReason();
            if (status.Pause is null && levelReason is not null)
            {
                status.Pause = new PauseStatus
                {
                    Reason = levelReason,
                    Message = levelReason == PauseReasons.Spec ? "spec.paused is true" : $"annotation {ActionAnnotations.Paused}=true",
                    At = now.UtcDateTime,
                };
                events.Add(new MigrationEvent(MigrationEvent.Normal, "Paused", $"Paused: {status.Pause.Message}"));
            }
            else if (status.Pause?.Reason is PauseReasons.Spec or PauseReasons.Annotation && levelReason is null)
            {
                events.Add(new MigrationEvent(MigrationEvent.Normal, "Resumed", "Resumed: the pause was lifted"));
                status.Pause = null;
            }
        }

        private void ShiftTrafficWhenReceiverReady(int weight, int shadowPercent, int v1Target, int v2Target)
        {
            var currentWeight = status.Weight ?? 0;
            var currentShadow = status.ShadowPercent ?? 0;
            if (currentWeight == weight && currentShadow == shadowPercent)
            {
                return;
            }

            // Traffic only ever moves onto a pool that already has the ready pods to take it. A restart can move it
            // both ways at once (weight back to V1, shadow copy onto V2): then both pools must be ready.
            var v2Gains = weight > currentWeight || shadowPercent > currentShadow;
            var v1Gains = weight < currentWeight;
            var v2Ready = V2.ReadyReplicas >= v2Target && V2.SpecReplicas >= v2Target;
            var v1Ready = V1.ReadyReplicas >= Math.Min(v1Target, Total) && V1.SpecReplicas >= v1Target;
            if ((!v2Gains || v2Ready) && (!v1Gains || v1Ready))
            {
                status.Weight = weight;
                status.ShadowPercent = shadowPercent;
            }
        }

        private void Scale(DeploymentObservation deployment, int replicas)
        {
            if (deployment.SpecReplicas != replicas)
            {
                actions.Add(new ScaleDeployment(deployment.Name, replicas));
            }
        }

        private void PublishTraffic() =>
            actions.Add(new RouteTraffic(TrafficState.Shift(status.Weight ?? 0, status.ShadowPercent ?? 0, status.Phase ?? Phases.Pending)));

        private void RecordAnalysis(int v2Target, bool stageReady)
        {
            if (!AnalysisSchedule.IsDue(input.NextAnalysisAt, now))
            {
                Wake(input.NextAnalysisAt!.Value);
                return;
            }

            var builtIn = BuiltInChecks.Measure(V2, v2Target, stageReady, AnalysisBook.LastValue(status, BuiltInChecks.V2Restarts), now);
            AnalysisBook.Record(status, builtIn.Concat(input.Measurements), stageReady, now);
            Wake(AnalysisSchedule.NextAfter(now, plan));
        }

        /// <summary>Fires failure-limit triggers and inconclusive pauses. True when a trigger fired (rollback or trigger pause).</summary>
        private bool JudgeAnalysis()
        {
            if (AnalysisBook.FirstAtFailureLimit(status, plan.FailureLimit) is { } failing)
            {
                return Trigger(failing.Name, $"check {failing.Name} failed {failing.ConsecutiveFailures} times in a row: {failing.Message}");
            }

            var inconclusive = AnalysisBook.FirstAtInconclusiveLimit(status, plan.InconclusiveLimit);
            if (inconclusive is not null && status.Pause is null)
            {
                status.Pause = new PauseStatus
                {
                    Reason = PauseReasons.Inconclusive,
                    Message = $"check {inconclusive.Name} was inconclusive {inconclusive.ConsecutiveInconclusive} times in a row: {inconclusive.Message}",
                    At = now.UtcDateTime,
                };
                events.Add(new MigrationEvent(MigrationEvent.Warning, "AnalysisInconclusive", $"Paused: {status.Pause.Message}"));
            }
            else if (inconclusive is null && status.Pause?.Reason == PauseReasons.Inconclusive)
            {
                events.Add(new MigrationEvent(MigrationEvent.Normal, "Resumed", "Resumed: analysis has data again"));
                status.Pause = null;
            }

            return false;
        }

        private bool Trigger(string trigger, string reason)
        {
            if (plan.AutomaticRollback)
            {
                StartRollback(trigger, reason);
                ContinueRollback();
                return true;
            }

            if (status.Pause?.Reason != PauseReasons.Trigger)
            {
                status.Pause = new PauseStatus { Reason = PauseReasons.Trigger, Message = $"{trigger}: {reason}", At = now.UtcDateTime };
                events.Add(new MigrationEvent(MigrationEvent.Warning, "RollbackTriggerPaused",
                    $"Rollback trigger {trigger} fired and rollback.automatic is false, so the migration is paused: {reason}"));
            }

            return true;
        }

        private void PassStage(PlannedStage stage)
        {
            if (stage.RequiresApproval)
            {
                var handled = status.HandledActions ??= new HandledActions();
                if (!Pending(ActionAnnotations.Approve, handled.Approve))
                {
                    status.Phase = Phases.AwaitingApproval;
                    return;
                }

                handled.Approve = Annotation(ActionAnnotations.Approve);
                events.Add(new MigrationEvent(MigrationEvent.Normal, "Approved", $"Stage {stage.Name} approved"));
            }

            if (stage.Index == plan.Stages.Count - 1)
            {
                status.PromotedAt = now.UtcDateTime;
                wakeUps.Add(now + plan.RollbackWindow);
                return;
            }

            EnterStage(stage.Index + 1);
            WakeNow();
        }

        private void SetActivePhase()
        {
            var stage = plan.Stages[status.StageIndex ?? 0];
            var (_, v2Target) = ReplicaMath.ForStage(Total, stage);
            if (status.Pause is not null)
            {
                status.Phase = Phases.Paused;
                status.Message = $"Paused at stage {stage.Name} ({status.Pause.Reason}): {status.Pause.Message}";
            }
            else if (status.PromotedAt is not null)
            {
                status.Phase = Phases.Completing;
                status.Message = $"All stages passed; V1 stays warm until {AnalysisBook.ToOffset(status.PromotedAt.Value) + plan.RollbackWindow:u}, then scales to 0";
            }
            else if (status.Phase == Phases.AwaitingApproval && status.StageReadyAt is not null)
            {
                status.Message = $"Stage {stage.Name} passed at weight {status.Weight}; waiting for approval (annotate {ActionAnnotations.Approve})";
            }
            else if (status.StageReadyAt is null)
            {
                status.Phase = stage.Index == 0 && (status.Weight ?? 0) == 0 && (status.ShadowPercent ?? 0) == 0 ? Phases.Initializing
                    : stage.IsShadow ? Phases.Shadowing : Phases.Progressing;
                status.Message = $"Stage {stage.Name}: waiting for {v2Target} ready V2 replicas ({V2.ReadyReplicas} ready)";
            }
            else
            {
                status.Phase = stage.IsShadow ? Phases.Shadowing : Phases.Progressing;
                status.Message = stage.IsShadow
                    ? $"Stage {stage.Name}: V2 receives a {stage.ShadowPercent}% shadow copy of the traffic"
                    : $"Stage {stage.Name}: V2 serves {status.Weight}% of the traffic";
            }
        }

        /// <summary>Records the rollback; the caller continues it in the same round.</summary>
        private void StartRollback(string trigger, string reason)
        {
            status.Rollback = new RollbackStatus
            {
                Trigger = trigger,
                Reason = reason,
                At = now.UtcDateTime,
                FromStage = status.StageName,
                Weight = status.Weight ?? 0,
                Snapshot = AnalysisBook.Snapshot(status),
            };
            status.Pause = null;
            status.Phase = Phases.RollingBack;
            status.Weight = status.Original?.Weight ?? 0;
            status.ShadowPercent = 0;
            status.Message = $"Rolling back from stage {status.StageName}: {reason}";
        }

        private void ContinueRollback()
        {
            var original = status.Original!;
            var rollback = status.Rollback!;
            var drainEnds = AnalysisBook.ToOffset(rollback.At!.Value) + plan.ScaleDownDelay;
            var v1Restored = V1.SpecReplicas == original.V1.Replicas && V1.ReadyReplicas >= original.V1.Replicas;

            // V2 keeps its pods while in-flight work drains, and while V1 lacks the capacity to replace them.
            var releaseV2 = now >= drainEnds && (v1Restored || V2.ReadyReplicas == 0);
            Wake(drainEnds);

            if (v1Restored && V2.SpecReplicas == original.V2.Replicas)
            {
                status.Phase = Phases.RolledBack;
                rollback.CompletedAt = now.UtcDateTime;

                // A retry or a new generation that arrived during the revert was left for this moment: act on it now.
                if (Pending(ActionAnnotations.Retry, status.HandledActions?.Retry) || status.ObservedGeneration != generation)
                {
                    WakeNow();
                }

                status.Message = $"Rolled back from stage {rollback.FromStage} ({rollback.Trigger}): {rollback.Reason}. Retry with annotation {ActionAnnotations.Retry} or a spec change";
            }
            else
            {
                status.Phase = Phases.RollingBack;
                status.Message = $"Rolling back from stage {rollback.FromStage} ({rollback.Trigger}): restoring V1 to {original.V1.Replicas} ({V1.ReadyReplicas} ready), V2 to {original.V2.Replicas}";
            }

            // V1 grows before the traffic returns to it; V2 shrinks after the traffic left it.
            Scale(V1, original.V1.Replicas);
            RestoreTraffic();
            if (releaseV2)
            {
                Scale(V2, original.V2.Replicas);
            }

            WriteConditions();
        }

        private void RestoreTraffic() =>
            actions.Add(new RouteTraffic(TrafficState.Restore(status.Phase ?? Phases.RollingBack)));

        /// <summary>
        /// Milestone Events, keyed so each is recorded once. They are repeated while the status shows them because
        /// Events are recorded after the status write: a crash in between must not lose a rollback's Warning.
        /// </summary>
        private void RecordMilestones()
        {
            var run = status.Run ?? 1;
            if (status.Rollback is { } rollback)
            {
                // The reasons users filter on (docs/actions.md, kubectl describe); both are Warnings, as MilestoneEvents has them.
                events.Add(new MigrationEvent(MigrationEvent.Warning, "RollbackTriggered",
                    $"Rolling back from stage {rollback.FromStage} at weight {rollback.Weight}% (trigger {rollback.Trigger}): {rollback.Reason}", $"run{run}-rollback"));
                if (status.Phase == Phases.RolledBack)
                {
                    events.Add(new MigrationEvent(MigrationEvent.Warning, "RolledBack",
                        $"Rolled back from stage {rollback.FromStage}: replicas, flags and route weights are back to the original state", $"run{run}-rolledback"));
                }

                return;
            }

            if (status.Phase == Phases.Completed)
            {
                events.Add(new MigrationEvent(MigrationEvent.Normal, "Completed", "Migration completed: V2 serves 100% and V1 is scaled to 0", $"run{run}-completed"));
                return;
            }

            if (status.Phase == Phases.Invalid || status.StageIndex is not { } index || index >= plan.Stages.Count)
            {
                return;
            }

            // A stage can start and pass in one round (a run's first stage, already in place): it still gets its milestone.
            foreach (var started in enteredStages.Append(index).Distinct())
            {
                var stage = plan.Stages[started];
                var share = stage.IsShadow ? $"a {stage.ShadowPercent}% shadow copy" : $"{stage.Weight}% of the traffic";
                events.Add(new MigrationEvent(MigrationEvent.Normal, "StageStarted", $"Run {run}: stage {stage.Name} started, V2 to get {share}", $"run{run}-stage{started}"));
            }

            if (status.PromotedAt is not null)
            {
                events.Add(new MigrationEvent(MigrationEvent.Normal, "StagesPassed", "All stages passed: V2 serves 100%, V1 stays warm for the rollback window", $"run{run}-promoted"));
            }
        }

        // Only future instants: a deadline or window already behind us is judged on every round anyway, and waking
        // "now" for it would requeue without pause for as long as a pause or a short pool holds the migration.
        private void Wake(DateTimeOffset at)
        {
            if (at > now)
            {
                wakeUps.Add(at);
            }
        }

        private void WakeNow() => wakeUps.Add(now);

        private void WriteConditions()
        {
            var phase = status.Phase ?? Phases.Pending;
            var message = status.Message ?? "";
            ConditionWriter.Set(status, ConditionTypes.InvalidSpec, phase == Phases.Invalid,
                phase == Phases.Invalid ? "InvalidSpec" : "Valid", phase == Phases.Invalid ? message : "spec is valid", generation, now);
            ConditionWriter.Set(status, ConditionTypes.Completed, phase == Phases.Completed,
                phase == Phases.Completed ? "Completed" : phase, phase == Phases.Completed ? message : "not completed", generation, now);
            ConditionWriter.Set(status, ConditionTypes.RolledBack, phase == Phases.RolledBack,
                phase == Phases.RolledBack ? "RolledBack" : phase,
                status.Rollback is { } rb ? $"{rb.Trigger}: {rb.Reason}" : "no rollback", generation, now);

            var progressing = phase is Phases.Initializing or Phases.Shadowing or Phases.Progressing or Phases.Completing or Phases.RollingBack;
            ConditionWriter.Set(status, ConditionTypes.Progressing, progressing, phase, message, generation, now);

            var failing = AnalysisBook.FirstFailingNow(status);
            ConditionWriter.Set(status, ConditionTypes.Healthy, failing is null,
                failing is null ? "ChecksPassing" : "CheckFailing",
                failing is null ? "no check is failing" : $"{failing.Name}: {failing.Message}", generation, now);

            var ready = (status.V1?.ReadyReplicas ?? 0) + (status.V2?.ReadyReplicas ?? 0);
            var promised = phase == Phases.RolledBack || phase == Phases.RollingBack
                ? (status.Original?.V1.Replicas ?? 0)
                : (migration.Spec.Replicas ?? status.Original?.Replicas ?? 0);
            ConditionWriter.Set(status, ConditionTypes.Ready, ready >= promised && phase != Phases.Invalid,
                phase == Phases.Invalid ? "InvalidSpec" : ready >= promised ? "CapacityReady" : "CapacityShort", $"{ready} of {promised} promised replicas ready", generation, now);
        }
    }
}
