using k8s;
using Microsoft.Extensions.Time.Testing;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using Xunit;

namespace PoolOperator.UnitTests.Core;

/// <summary>
/// Plays the reconciler around the decision core: each round it observes the simulated world, calls
/// <see cref="MigrationDecider.Decide"/>, persists the status (through a JSON round trip, like the API server),
/// applies the actions, records the Events and checks every invariant, including that replaying the round after a
/// crash between the status write and the actions changes nothing. Time moves only when the test moves it.
/// </summary>
internal sealed class MigrationSimulator
{
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    private int tokens;

    // When the checks are measured next: in memory, as the reconciler keeps it, and forgotten when the process dies.
    private DateTimeOffset? nextAnalysisAt;

    public MigrationSimulator(PoolMigration migration, int v1Replicas = 10, int v2Replicas = 0)
    {
        Migration = migration;
        V1 = new SimulatedDeployment(migration.Spec.V1.Deployment, v1Replicas);
        V2 = new SimulatedDeployment(migration.Spec.V2.Deployment, v2Replicas);
        Flags = new SimulatedConfigMap(migration.Spec.TrafficRouting?.Flags?.ConfigMap ?? TestMigrations.FlagsConfigMap);
        Route = new SimulatedRoute(migration.Spec.TrafficRouting?.GatewayApi?.HttpRoute ?? TestMigrations.HttpRoute);
    }

    public PoolMigration Migration { get; }

    public SimulatedDeployment V1 { get; }

    public SimulatedDeployment V2 { get; }

    public SimulatedConfigMap Flags { get; }

    public SimulatedRoute Route { get; }

    public FakeTimeProvider Clock { get; } = new(Start);

    public DateTimeOffset Now => Clock.GetUtcNow();

    public List<SpecProblem> SpecErrors { get; } = [];

    /// <summary>What routers that can be read back show, passed to the core as the reconciler does; null: no such router.</summary>
    public List<RoutedTraffic>? Routed { get; set; }

    /// <summary>Services found selecting V2's pods, passed to the core as the reconciler does; null: not observed.</summary>
    public List<string>? ServicesSelectingV2 { get; set; }

    /// <summary>The PodDisruptionBudgets covering the pools; null when the round observes none at all.</summary>
    public List<DisruptionBudget>? Budgets { get; set; }

    /// <summary>The verdict each configured check returns when measured; Pass when absent.</summary>
    public Dictionary<string, Verdict> Verdicts { get; } = [];

    /// <summary>The Services of the namespace, by name: the pools' per-track Services to begin with.</summary>
    public HashSet<string> Services { get; } = [TestMigrations.V1, TestMigrations.V2];

    public List<SimulationRound> Rounds { get; } = [];

    public List<MigrationEvent> Events { get; } = [];

    public List<MigrationAction> Applied { get; } = [];

    /// <summary>Every removal applied, in order, including repeats.</summary>
    public List<RemoveObject> Removed { get; } = [];

    public bool CheckInvariants { get; set; } = true;

    public PoolMigrationStatus Status => Migration.Status ?? throw new InvalidOperationException("no round has run yet");

    public SimulationRound LastRound => Rounds[^1];

    public MigrationPlan Plan => MigrationPlan.From(Migration.Spec);

    public string? Phase => Migration.Status?.Phase;

    public int? Stage => Migration.Status?.StageIndex;

    public MigrationInput Observe(PoolMigration? migration = null, DeploymentObservation? v1 = null, DeploymentObservation? v2 = null)
    {
        migration ??= Migration;
        var measurements = AnalysisSchedule.IsDue(nextAnalysisAt, Now) ? Measure() : [];
        return new MigrationInput(
            migration,
            v1 ?? V1.Observe(),
            v2 ?? V2.Observe(),
            [.. SpecErrors],
            measurements,
            Now,
            nextAnalysisAt,
            Routed is null ? null : [.. Routed],
            ServicesSelectingV2 is null ? null : [.. ServicesSelectingV2],
            Budgets is null ? null : [.. Budgets],
            PresentForCleanup(migration));
    }

    /// <summary>As the reconciler observes them: which objects of a pending cleanup still exist.</summary>
    private HashSet<string>? PresentForCleanup(PoolMigration migration)
    {
        if (migration.Status?.Cleanup is not { FinishedAt: null } cleanup)
        {
            return null;
        }

        return [.. cleanup.Objects.Where(o => o.Kind switch
        {
            CleanupPolicies.Deployment => V1.Exists && V1.Name == o.Name,
            CleanupPolicies.HorizontalPodAutoscaler => V1.Autoscaler?.Name == o.Name,
            CleanupPolicies.Service => Services.Contains(o.Name),
            CleanupPolicies.ConfigMap => Flags.Exists && Flags.Name == o.Name,
            CleanupPolicies.HttpRoute => Route.Exists && Route.Name == o.Name && Route.HasV1Backend,
            _ => false,
        }).Select(o => CleanupPolicies.Key(o.Kind, o.Name))];
    }

    /// <summary>One reconcile round. With <paramref name="crashAfterStatusWrite"/> the status is persisted but no action is applied and no Event recorded.</summary>
    public SimulationRound Round(bool crashAfterStatusWrite = false) => Round(_ => crashAfterStatusWrite);

    /// <summary>One reconcile round that crashes after it acted, before its Events are recorded.</summary>
    public SimulationRound RoundLosingEvents()
    {
        var eventsBefore = Events.Count;
        var round = Round();
        Events.RemoveRange(eventsBefore, Events.Count - eventsBefore);
        return round;
    }

    /// <summary>One reconcile round that crashes after the status write when <paramref name="crashIf"/> holds for it.</summary>
    public SimulationRound Round(Func<SimulationRound, bool> crashIf)
    {
        V1.Settle();
        V2.Settle();
        var before = StatusCloner.Clone(Migration.Status);
        var truth = (V1.ObserveTruth(), V2.ObserveTruth());
        var input = Observe(Snapshot(Migration));
        var sent = KubernetesJson.Serialize(input.Migration);
        var decision = MigrationDecider.Decide(input);
        Assert.True(sent == KubernetesJson.Serialize(input.Migration), "the core modified the PoolMigration it was given");
        if (before.Original is null && decision.Status.Original is { } original)
        {
            // As the reconciler does: each configured router snapshots its objects into the status that records the original state.
            if (Migration.Spec.TrafficRouting?.Flags is not null)
            {
                Flags.RecordOriginal(original);
            }

            if (Migration.Spec.TrafficRouting?.GatewayApi is not null)
            {
                Route.RecordOriginal(original);
            }
        }

        var round = new SimulationRound(Rounds.Count + 1, before, input, decision) { Truth = truth };
        Rounds.Add(round);

        if (CheckInvariants)
        {
            MigrationInvariants.Check(round, Plan);
            var (replayInput, replayDecision) = Replay(decision.Status, input);
            MigrationInvariants.CheckReplay(round, Plan, new SimulationRound(round.Number, StatusCloner.Clone(decision.Status), replayInput, replayDecision) { Truth = truth });
        }

        Migration.Status = StatusCloner.Clone(decision.Status);
        if (crashIf(round))
        {
            nextAnalysisAt = null;
            return round;
        }

        if (AnalysisSchedule.IsDue(input.NextAnalysisAt, input.Now))
        {
            nextAnalysisAt = AnalysisSchedule.NextAfter(input.NextAnalysisAt, input.Now, MigrationPlan.From(input.Migration.Spec));
        }

        foreach (var action in decision.Actions)
        {
            Apply(action);
        }

        Events.AddRange(decision.Events);
        return round;
    }

    /// <summary>Runs rounds, moving the clock to each requested requeue (at most <paramref name="maxStep"/>), until <paramref name="done"/> holds after a round.</summary>
    public int RunUntil(Func<MigrationSimulator, bool> done, int maxRounds = 400, TimeSpan? maxStep = null)
    {
        var step = maxStep ?? TimeSpan.FromSeconds(30);
        for (var i = 1; i <= maxRounds; i++)
        {
            Round();
            if (done(this))
            {
                return i;
            }

            var requeue = LastRound.Decision.RequeueAfter;
            Clock.Advance(requeue is { } r && r < step ? r : step);
        }

        Assert.Fail($"condition not reached within {maxRounds} rounds; {Describe()}");
        return maxRounds;
    }

    public int RunUntilPhase(string phase, int maxRounds = 400, TimeSpan? maxStep = null) =>
        RunUntil(s => s.Phase == phase, maxRounds, maxStep);

    public int RunUntilStage(int index, int maxRounds = 400) => RunUntil(s => s.Stage == index, maxRounds);

    /// <summary>Runs until the named stage has its capacity and traffic in place.</summary>
    public int RunUntilStageReady(string name, int maxRounds = 400) =>
        RunUntil(s => s.Migration.Status?.StageName == name && s.Migration.Status.StageReadyAt is not null, maxRounds);

    public IEnumerable<MigrationEvent> EventsWithReason(string reason) => Events.Where(e => e.Reason == reason);

    /// <summary>The distinct milestone keys in the order they were first emitted.</summary>
    public IReadOnlyList<string> Milestones() => [.. Events.Where(e => e.Key is not null).Select(e => e.Key!).Distinct()];

    /// <summary>Runs rounds for a span of simulated time, stepping at most <paramref name="maxStep"/> at a time.</summary>
    public void RunFor(TimeSpan span, TimeSpan? maxStep = null)
    {
        var end = Now + span;
        var step = maxStep ?? TimeSpan.FromSeconds(30);
        var rounds = 0;
        while (Now < end)
        {
            Round();
            Assert.True(++rounds < 10_000, "too many rounds");
            var requeue = LastRound.Decision.RequeueAfter;
            var next = requeue is { } r && r < step ? r : step;
            Clock.Advance(next > end - Now ? end - Now : next);
        }
    }

    public void Advance(TimeSpan by) => Clock.Advance(by);

    /// <summary>Moves the clock to the requeue the last round asked for, at most <paramref name="maxStep"/>.</summary>
    public void Step(TimeSpan? maxStep = null)
    {
        var step = maxStep ?? TimeSpan.FromSeconds(30);
        var requeue = Rounds.Count == 0 ? null : LastRound.Decision.RequeueAfter;
        Clock.Advance(requeue is { } r && r < step ? r : step);
    }

    /// <summary>Approves whenever a gate waits, as a person watching the migration would.</summary>
    public bool ApproveWhenWaiting()
    {
        string? pending = null;
        if (Migration.Metadata.Annotations is { } annotations && annotations.TryGetValue(ActionAnnotations.Approve, out var token))
        {
            pending = token;
        }

        if (Phase == Phases.AwaitingApproval && pending == Status.HandledActions?.Approve)
        {
            Request(ActionAnnotations.Approve);
            return true;
        }

        return false;
    }

    public string NewToken() => $"req-{++tokens}";

    /// <summary>Sets a one-shot action annotation (approve, promote, abort, retry, resume) with a fresh token.</summary>
    public string Request(string annotation)
    {
        var token = NewToken();
        Annotate(annotation, token);
        return token;
    }

    public void Annotate(string key, string value) => (Migration.Metadata.Annotations ??= new Dictionary<string, string>())[key] = value;

    public void RemoveAnnotation(string key) => Migration.Metadata.Annotations?.Remove(key);

    /// <summary>Edits the spec as a person or GitOps would: the API server bumps metadata.generation.</summary>
    public void ChangeSpec(Action<PoolMigrationSpec> edit)
    {
        edit(Migration.Spec);
        Migration.Metadata.Generation = (Migration.Metadata.Generation ?? 1) + 1;
    }

    public IEnumerable<T> AppliedOf<T>()
        where T : MigrationAction => Applied.OfType<T>();

    public string Describe()
    {
        var s = Migration.Status;
        return $"phase={s?.Phase} run={s?.Run} stage={s?.StageIndex}({s?.StageName}) weight={s?.Weight} shadow={s?.ShadowPercent} " +
            $"pause={s?.Pause?.Reason} V1={V1.ReadyReplicas}/{V1.SpecReplicas} V2={V2.ReadyReplicas}/{V2.SpecReplicas} now={Now:O} msg={s?.Message}";
    }

    private (MigrationInput Input, MigrationDecision Decision) Replay(PoolMigrationStatus persisted, MigrationInput input)
    {
        var migration = Snapshot(Migration);
        migration.Status = StatusCloner.Clone(persisted);
        // The restarted process has forgotten when it measured last, so it measures again.
        var replayInput = input with { Migration = migration, Measurements = Measure(), NextAnalysisAt = null };
        return (replayInput, MigrationDecider.Decide(replayInput));
    }

    private List<Measurement> Measure() =>
        [.. (Migration.Spec.Analysis?.Checks ?? []).Select(check =>
        {
            var verdict = Verdicts.GetValueOrDefault(check.Name, Verdict.Pass);
            double? value = verdict switch { Verdict.Pass => 0.001, Verdict.Fail => 0.2, _ => null };
            return new Measurement(check.Name, verdict, value, null, $"{check.Name} {verdict}", Now);
        })];

    private void Apply(MigrationAction action)
    {
        Applied.Add(action);
        switch (action)
        {
            case ScaleDeployment scale when scale.Deployment == V1.Name:
                V1.Scale(scale.Replicas);
                break;
            case ScaleDeployment scale when scale.Deployment == V2.Name:
                V2.Scale(scale.Replicas);
                break;
            case BoundAutoscaler bound:
                var pool = bound.Deployment == V1.Name ? V1 : V2;
                Assert.True(pool.Autoscaler?.Name == bound.Autoscaler, $"bounded an HPA that does not scale {bound.Deployment}: {bound}");
                pool.Autoscaler!.Bound(bound.MinReplicas, bound.MaxReplicas);
                break;
            case RouteTraffic route:
                if (Migration.Spec.TrafficRouting?.Flags is not null)
                {
                    Flags.Apply(Migration, route.Traffic, Now);
                }

                if (Migration.Spec.TrafficRouting?.GatewayApi is not null)
                {
                    Route.Apply(route.Traffic, Migration.Status?.Original?.HttpRoute);
                }

                break;
            case RemoveObject remove:
                Removed.Add(remove);
                switch (remove.Kind)
                {
                    case CleanupPolicies.Deployment:
                        V1.Exists = false;
                        break;
                    case CleanupPolicies.HorizontalPodAutoscaler:
                        V1.Autoscaler = null;
                        break;
                    case CleanupPolicies.Service:
                        Services.Remove(remove.Name);
                        break;
                    case CleanupPolicies.ConfigMap:
                        Flags.Exists = false;
                        break;
                    case CleanupPolicies.HttpRoute:
                        Route.HasV1Backend = false;
                        break;
                }

                break;
            default:
                Assert.Fail($"unexpected action {action}");
                break;
        }
    }

    // The core must not depend on the caller's objects staying untouched, and must not mutate them.
    private static PoolMigration Snapshot(PoolMigration migration) =>
        KubernetesJson.Deserialize<PoolMigration>(KubernetesJson.Serialize(migration));
}
