using k8s;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using Xunit;

namespace PoolOperator.UnitTests.Core;

/// <summary>
/// What must hold after every round of every scenario, whatever the readiness, measurements and timing:
/// capacity first, traffic only onto ready pods, no stage skipped or repeated, rollback is a revert, hands off
/// when the input is bad, and a replayed round (crash between status write and actions) changes nothing.
/// </summary>
internal static class MigrationInvariants
{
    // Events that answer a person's one-shot request or a spec edit: a replayed round must not repeat them.
    private static readonly string[] OneShotReasons = ["Approved", "Retry", "Promoted", "ActionIgnored", "SpecChanged", "V2TemplateChanged"];

    public static void Check(SimulationRound round, MigrationPlan plan)
    {
        var input = round.Input;
        var before = round.Before;
        var after = round.After;
        var actions = round.Actions;
        var spec = input.Migration.Spec;
        var scales = actions.OfType<ScaleDeployment>().ToList();
        var traffic = actions.OfType<RouteTraffic>().ToList();
        void Require(bool condition, string what)
        {
            if (!condition)
            {
                Assert.Fail($"{what}\n{Context(round)}");
            }
        }

        Require(scales.GroupBy(s => s.Deployment).All(g => g.Count() == 1), "more than one scale of a Deployment in one round");
        Require(scales.All(s => s.Deployment == spec.V1.Deployment || s.Deployment == spec.V2.Deployment), "scaled a Deployment the migration does not own");
        Require(scales.All(s => s.Replicas >= 0), "negative replicas");
        Require(traffic.Count <= 1, "more than one traffic state in one round");
        Require(actions.Count == scales.Count + traffic.Count + actions.OfType<RemoveObject>().Count(), "unknown action");
        Require(round.Decision.RequeueAfter is null || round.Decision.RequeueAfter >= TimeSpan.Zero, "negative requeue");

        if (input.SpecErrors.Count > 0)
        {
            Require(actions.Count == 0, "acted on an invalid spec");
            Require(before.Phase == Phases.Completed || after.Phase == Phases.Invalid, "invalid spec without phase Invalid");
        }

        var removals = actions.OfType<RemoveObject>().ToList();
        var moves = actions.Where(a => a is not RemoveObject).ToList();
        if (input.V1 is null || input.V2 is null)
        {
            Require(moves.Count == 0, "acted while a Deployment is missing");
        }

        if (before.Phase == Phases.Completed)
        {
            Require(moves.Count == 0 && after.Phase == Phases.Completed, "a Completed migration moved or acted");
        }

        // Cleanup removes only after completion, once due, objects its status names and has recorded as requested.
        Require(removals.Count == 0 || (before.Phase == Phases.Completed && before.Cleanup is { Policy: CleanupPolicies.Delete, DueAt: { } due }
            && AnalysisBook.ToOffset(due) <= input.Now), "removed an object before the cleanup was due, or of a migration not Completed");
        foreach (var removal in removals)
        {
            Require(after.Cleanup?.Objects.Any(o => o.Kind == removal.Kind && o.Name == removal.Name && o.RequestedAt is not null && o.Outcome is null) == true,
                $"removed {removal.Kind} {removal.Name} without recording the request in status first");
        }

        if (before.Original is not null)
        {
            Require(Json(before.Original) == Json(after.Original), "status.original changed after it was recorded");
        }

        if (before.Run is { } run0)
        {
            Require(after.Run >= run0, "run number went back");
        }

        if (round.Decision.RequeueAfter == TimeSpan.Zero)
        {
            Require(after.StageIndex != before.StageIndex || after.Run != before.Run || after.Phase != before.Phase || (before.PromotedAt is null && after.PromotedAt is not null),
                "immediate requeue without a step taken: a hot loop");
        }

        var retryToken = Annotation(input, ActionAnnotations.Retry);
        if (after.Phase == Phases.RolledBack && before.Phase != Phases.Completed && input.V1 is not null && input.V2 is not null && input.SpecErrors.Count == 0
            && ((retryToken is { Length: > 0 } && retryToken != after.HandledActions?.Retry) || after.ObservedGeneration != input.Migration.Metadata.Generation))
        {
            Require(round.Decision.RequeueAfter == TimeSpan.Zero, "a retry or new generation waits after the rollback without a requeue");
        }

        if (input.V1 is not { } seenV1 || input.V2 is not { } seenV2 || after.Original is null || input.SpecErrors.Count > 0)
        {
            return;
        }

        // Capacity is judged on the pods really ready, whatever a lagging status showed the core.
        var (v1, v2) = (round.Truth?.V1 ?? seenV1, round.Truth?.V2 ?? seenV2);

        var sameRun = before.Run is not null && after.Run == before.Run;
        if (sameRun && before.StageIndex is { } s0)
        {
            var s1 = after.StageIndex ?? -1;
            var last = plan.Stages.Count - 1;
            var promoted = after.HandledActions?.Promote != before.HandledActions?.Promote && s1 == last;
            Require(s1 >= s0, "the stage went back within a run");
            Require(s1 <= s0 + 1 || promoted, "a stage was skipped");
            if (s1 == s0 + 1 && !promoted)
            {
                CheckStagePassed(round, plan, s0, Require);
            }

            if (before.PromotedAt is null && after.PromotedAt is not null)
            {
                // A person's promote skips to the last stage, which can pass in the same round: that stage is the one judged.
                CheckStagePassed(round, plan, promoted ? s1 : s0, Require);
            }

            if (before.Phase == Phases.RolledBack)
            {
                Require(after.Phase == Phases.RolledBack && s1 == s0, "moved forward after a rollback without a retry or a new generation");
            }

            if (before.Phase == Phases.RollingBack)
            {
                Require(after.Phase is Phases.RollingBack or Phases.RolledBack, "a rollback in flight was dropped");
            }
        }

        var total = spec.Replicas ?? after.Original.Replicas;
        if (after.Phase is Phases.RollingBack or Phases.RolledBack)
        {
            CheckRollback(round, plan, v1, v2, sameRun, Require);
        }
        else if (after.Phase != Phases.Invalid && before.Phase != Phases.Completed)
        {
            CheckForward(round, plan, total, v1, v2, Require);
        }
    }

    public static void CheckReplay(SimulationRound round, MigrationPlan plan, SimulationRound replay)
    {
        void Require(bool condition, string what)
        {
            if (!condition)
            {
                Assert.Fail($"replaying the round after a crash between status write and actions: {what}\n{Context(round)}\nreplay: {Summary(replay.After)} actions [{Describe(replay.Actions)}]");
            }
        }

        // The replayed round is a round like any other.
        Check(replay, plan);

        var s1 = round.After;
        var s2 = replay.After;
        var input = round.Input;

        // A request the round left pending may be handled by the replay; one it handled must not be handled again.
        var handledNow = new List<string>();
        foreach (var (annotation, handled) in new[]
        {
            (ActionAnnotations.Approve, (Func<HandledActions?, string?>)(h => h?.Approve)),
            (ActionAnnotations.Promote, h => h?.Promote),
            (ActionAnnotations.Abort, h => h?.Abort),
            (ActionAnnotations.Retry, h => h?.Retry),
            (ActionAnnotations.Resume, h => h?.Resume),
        })
        {
            var token = Annotation(input, annotation);
            var first = handled(s1.HandledActions);
            var second = handled(s2.HandledActions);
            Require(second == first || (first != token && second == token), $"{annotation} handled again");
            if (second != first)
            {
                handledNow.Add(annotation);
            }
        }

        var generationPending = s1.ObservedGeneration != input.Migration.Metadata.Generation;
        Require(s2.Run == s1.Run || handledNow.Contains(ActionAnnotations.Retry) || generationPending || round.Decision.RequeueAfter == TimeSpan.Zero, "the run restarted");
        Require(s2.Run != s1.Run || s2.StageIndex == s1.StageIndex || s2.StageIndex == s1.StageIndex + 1, "a stage was skipped or repeated");
        if (handledNow.Count == 0 && !generationPending)
        {
            Require(!replay.Decision.Events.Any(e => OneShotReasons.Contains(e.Reason)), "a one-shot Event was emitted again");
        }
        // The restarted process measures again; a result already recorded at this instant is that measurement, not a new one.
        if (s2.StageIndex == s1.StageIndex && s2.Run == s1.Run)
        {
            foreach (var check in s1.Analysis?.Checks.Where(c => c.MeasuredAt is { } at && AnalysisBook.ToOffset(at) == replay.Input.Now) ?? [])
            {
                Require(Json(check) == Json(s2.Analysis?.Checks.FirstOrDefault(c => c.Name == check.Name)), $"analysis counted the measurement of {check.Name} twice");
            }
        }

        // A round that asks to be called again at once has taken a step (a stage passed) and left the next one
        // to the next round; its own actions must then be nothing a crash could lose.
        if (round.Decision.RequeueAfter == TimeSpan.Zero)
        {
            Require(!round.Actions.OfType<ScaleDeployment>().Any() || s1.PromotedAt != round.Before.PromotedAt, "a round asking to be called again at once scaled a Deployment");
        }
        else if (s2.Run == s1.Run && s2.StageIndex == s1.StageIndex && s2.Phase == s1.Phase && s1.Phase != Phases.Completed && handledNow.Count == 0)
        {
            Require(Describe(replay.Actions) == Describe(round.Actions), $"different actions: [{Describe(round.Actions)}] then [{Describe(replay.Actions)}]");
        }
    }

    private static void CheckForward(SimulationRound round, MigrationPlan plan, int total, DeploymentObservation v1, DeploymentObservation v2, Action<bool, string> require)
    {
        var before = round.Before;
        var after = round.After;
        var (w0, sh0) = (before.Weight ?? 0, before.ShadowPercent ?? 0);
        var (w1, sh1) = (after.Weight ?? 0, after.ShadowPercent ?? 0);
        int Share(int percent) => ReplicaMath.CeilShare(total, percent);

        if (w1 > w0)
        {
            require(v2.ReadyReplicas >= Share(w1), $"weight moved to {w1}% onto V2 with only {v2.ReadyReplicas} ready pods");
        }

        if (sh1 > sh0)
        {
            require(v2.ReadyReplicas >= Share(sh1), $"shadow moved to {sh1}% onto V2 with only {v2.ReadyReplicas} ready pods");
        }

        if (w1 < w0)
        {
            require(v1.ReadyReplicas >= V1Share(total, w1), $"weight moved back to V1 ({w1}%) with only {v1.ReadyReplicas} ready V1 pods");
        }

        if (after.Pause is not null && before.Phase is not (Phases.RollingBack or Phases.RolledBack))
        {
            require(w1 == w0 && sh1 == sh0, "traffic moved while paused");
        }

        var traffic = round.Actions.OfType<RouteTraffic>().SingleOrDefault();
        require(traffic is not null, "forward round without the desired traffic state");
        require(traffic!.Traffic == TrafficState.Shift(w1, sh1, after.Phase!), $"desired traffic {traffic.Traffic} differs from the status (weight {w1}, shadow {sh1}, phase {after.Phase})");

        var v1Share = V1Share(total, w1);
        var v2Share = Math.Max(Share(w1), Share(sh1));
        var v1New = v1.SpecReplicas;
        var v2New = v2.SpecReplicas;
        foreach (var scale in round.Actions.OfType<ScaleDeployment>())
        {
            var isV1 = scale.Deployment == v1.Name;
            var current = isV1 ? v1 : v2;
            if (isV1)
            {
                v1New = scale.Replicas;
            }
            else
            {
                v2New = scale.Replicas;
            }

            if (scale.Replicas >= current.SpecReplicas)
            {
                continue;
            }

            // Removing pods that were not ready takes no capacity away; removing ready ones must leave the pool its share.
            var share = isV1 ? v1Share : v2Share;
            var readyLeft = Math.Min(current.ReadyReplicas, scale.Replicas);
            require(readyLeft == current.ReadyReplicas || readyLeft >= share, $"{current.Name} scaled down to {scale.Replicas}, below its share {share} of the traffic");
            if (isV1)
            {
                var stage = plan.Stages[after.StageIndex ?? 0];
                var target = after.PromotedAt is null ? (stage.Weight, stage.ShadowPercent) : (100, 0);
                require((w1, sh1) == target, "V1 scaled down before the traffic reached the stage's weight");
                require(v2.ReadyReplicas >= Share(target.Item1), "V1 scaled down before V2's target was ready");
            }
        }

        var readyBefore = v1.ReadyReplicas + v2.ReadyReplicas;
        var readyAfter = Math.Min(v1.ReadyReplicas, v1New) + Math.Min(v2.ReadyReplicas, v2New);
        if (readyBefore >= total)
        {
            require(readyAfter >= total, $"ready capacity dropped to {readyAfter} of {total} promised");
        }

        if (after.Phase == Phases.AwaitingApproval)
        {
            require(plan.Stages[after.StageIndex ?? 0].RequiresApproval, "awaiting approval on a stage without a gate");
        }

        if (after.Phase == Phases.Completed)
        {
            require(w1 == 100 && v1.SpecReplicas == 0, "Completed before V2 serves everything and V1 is at 0");
        }
    }

    private static void CheckRollback(SimulationRound round, MigrationPlan plan, DeploymentObservation v1, DeploymentObservation v2, bool sameRun, Action<bool, string> require)
    {
        var before = round.Before;
        var after = round.After;
        var original = after.Original!;
        var rollback = after.Rollback;
        require(rollback is not null, "rolling back without status.rollback");
        require((after.Weight ?? 0) == (original.Weight ?? 0) && (after.ShadowPercent ?? 0) == 0, "rollback did not put the traffic back");
        foreach (var scale in round.Actions.OfType<ScaleDeployment>())
        {
            if (scale.Deployment == v1.Name)
            {
                require(scale.Replicas == original.V1.Replicas, "rollback scaled V1 elsewhere than its original replicas");
            }
            else
            {
                require(scale.Replicas == original.V2.Replicas, "rollback scaled V2 elsewhere than its original replicas");
                if (scale.Replicas < v2.SpecReplicas)
                {
                    var drained = round.Input.Now >= AnalysisBook.ToOffset(rollback!.At!.Value) + plan.ScaleDownDelay;
                    var v1Back = v1.SpecReplicas == original.V1.Replicas && v1.ReadyReplicas >= original.V1.Replicas;
                    require(drained, "V2 scaled down before rollback.scaleDownDelaySeconds");
                    require(v1Back || v2.ReadyReplicas == 0, "V2 scaled down while V1 lacked the capacity to replace it");
                }
            }
        }

        if (round.Actions.OfType<RouteTraffic>().SingleOrDefault() is { } traffic)
        {
            require(traffic.Traffic == TrafficState.Restore(after.Phase!), $"rollback asked for traffic {traffic.Traffic} instead of the original");
        }

        if (after.Phase == Phases.RolledBack && before.Phase != Phases.RolledBack)
        {
            require(v1.SpecReplicas == original.V1.Replicas && v1.ReadyReplicas >= original.V1.Replicas && v2.SpecReplicas == original.V2.Replicas,
                "RolledBack before both pools were back at their original replicas");
        }

        if (sameRun && before.Phase is not (Phases.RollingBack or Phases.RolledBack))
        {
            require(round.Decision.Events.Any(e => e.Type == MigrationEvent.Warning), "rollback without a Warning Event");
            require(round.Actions.OfType<RouteTraffic>().Any(), "rollback did not restore the traffic");
        }
    }

    private static void CheckStagePassed(SimulationRound round, MigrationPlan plan, int index, Action<bool, string> require)
    {
        var stage = plan.Stages[index];
        var before = round.Before;
        var after = round.After;
        var now = round.Input.Now;
        var total = round.Input.Migration.Spec.Replicas ?? after.Original!.Replicas;
        var readyAtOfStage = index == before.StageIndex ? before.StageReadyAt : after.StageReadyAt;
        var readyAt = readyAtOfStage is { } at ? AnalysisBook.ToOffset(at) : now;
        require(now >= readyAt + stage.Duration, $"stage {stage.Name} passed before its duration");
        var v2Target = stage.Weight == 100 ? total : ReplicaMath.ForStage(total, stage).V2;
        require((round.Truth?.V2 ?? round.Input.V2!).ReadyReplicas >= v2Target, $"stage {stage.Name} passed without V2's {v2Target} ready pods");
        require((after.Weight ?? 0) == stage.Weight && (after.ShadowPercent ?? 0) == stage.ShadowPercent, $"stage {stage.Name} passed before its traffic was in place");
        if (stage.RequiresApproval)
        {
            var token = after.HandledActions?.Approve;
            require(token is not null && token != before.HandledActions?.Approve, $"gate {stage.Name} passed without a new approval");
        }

        foreach (var check in plan.Checks)
        {
            var passedBefore = before.Analysis?.Checks.FirstOrDefault(c => c.Name == check.Name)?.PassedInStage == true;
            var passedNow = before.StageReadyAt is not null
                && round.Input.Measurements.Any(m => m.CheckName == check.Name && m.Verdict == Verdict.Pass);
            require(passedBefore || passedNow, $"stage {stage.Name} passed without check {check.Name} passing after its capacity was in place");
        }

        require(after.Analysis?.Checks.Any(c => c.Verdict == nameof(Verdict.Fail)) != true, $"stage {stage.Name} passed with a failing check");
    }

    /// <summary>The ready V1 pods the traffic left on V1 needs: its share, and at least one while it has any traffic.</summary>
    public static int V1Share(int total, int weight) =>
        weight >= 100 ? 0 : Math.Max(total - ReplicaMath.CeilShare(total, weight), Math.Min(total, 1));

    public static string Describe(IEnumerable<MigrationAction> actions) => string.Join("; ", actions.Select(Describe));

    public static string Describe(MigrationAction action) => action switch
    {
        _ => action.ToString(),
    };

    public static string Summary(PoolMigrationStatus? s) =>
        s is null ? "(none)" : $"{s.Phase} run={s.Run} stage={s.StageIndex} weight={s.Weight} shadow={s.ShadowPercent} pause={s.Pause?.Reason} ready-at={s.StageReadyAt:O}";

    private static string Context(SimulationRound round) =>
        $"round {round.Number} at {round.Input.Now:O}: {Summary(round.Before)} -> {Summary(round.After)}; " +
        $"V1 {round.Input.V1?.ReadyReplicas}/{round.Input.V1?.SpecReplicas} V2 {round.Input.V2?.ReadyReplicas}/{round.Input.V2?.SpecReplicas}" +
        (round.Truth is { } truth ? $" (really ready: V1 {truth.V1?.ReadyReplicas}, V2 {truth.V2?.ReadyReplicas})" : "") + "; " +
        $"actions [{Describe(round.Actions)}]; events [{string.Join("; ", round.Decision.Events.Select(e => e.Reason))}]; message: {round.After.Message}";

    private static string Overrides(IEnumerable<KeyValuePair<string, string>>? overrides) =>
        string.Join(",", (overrides ?? []).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    private static string? Annotation(MigrationInput input, string name) =>
        input.Migration.Metadata.Annotations is { } annotations && annotations.TryGetValue(name, out var value) ? value : null;

    private static string Json(object? value) => value is null ? "null" : KubernetesJson.Serialize(value);
}
