using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

public sealed class CleanupTests
{
    private const int WindowSeconds = 300;
    private static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    private static MigrationSimulator Completing(CleanupSpec? cleanup)
    {
        var sim = new MigrationSimulator(Standard(spec =>
        {
            spec.Stages = [Weight("canary", 50, "1m"), Weight("full", 100, "1m")];
            spec.Completion!.RollbackWindowSeconds = WindowSeconds;
            spec.Completion.Cleanup = cleanup;
        }));
        sim.RunUntilPhase(Phases.Completing);
        return sim;
    }

    private static CleanupSpec DeleteEverything() => new()
    {
        Policy = CleanupPolicies.Delete,
        RetentionSeconds = (int)Retention.TotalSeconds,
        DeleteV1Service = true,
        DeleteFlagsConfigMap = true,
        RemoveV1RouteBackend = true,
    };

    private static DateTimeOffset WindowEnds(MigrationSimulator sim) =>
        AnalysisBook.ToOffset(sim.Status.PromotedAt!.Value) + TimeSpan.FromSeconds(WindowSeconds);

    [Fact]
    public void By_default_V1_stays_at_0_and_nothing_is_ever_removed()
    {
        var sim = Completing(cleanup: null);

        sim.RunUntilPhase(Phases.Completed, maxStep: TimeSpan.FromSeconds(10));
        sim.RunFor(TimeSpan.FromDays(3), maxStep: TimeSpan.FromHours(1));

        Assert.Empty(sim.Removed);
        Assert.True(sim.V1.Exists);
        Assert.Equal(0, sim.V1.SpecReplicas);
        Assert.Equal(CleanupPolicies.ScaleToZero, sim.Status.Cleanup!.Policy);
        Assert.Empty(sim.Status.Cleanup.Objects);
        Assert.Equal(CleanupPolicies.ScaleToZero, sim.Status.History![^1].Cleanup!.Policy);
        Assert.DoesNotContain(sim.Status.Conditions!, c => c.Type == ConditionTypes.CleanedUp);
        Assert.Null(sim.LastRound.Decision.RequeueAfter);
    }

    [Fact]
    public void Delete_removes_nothing_before_the_window_and_the_retention_have_passed()
    {
        var sim = Completing(DeleteEverything());
        var due = WindowEnds(sim) + Retention;

        while (sim.Now < due)
        {
            sim.Round();

            // Asked to wake no later than when the retention ends.
            Assert.True(sim.Now + sim.LastRound.Decision.RequeueAfter <= due || sim.Phase != Phases.Completed);
            sim.Step(TimeSpan.FromMinutes(1));
        }

        Assert.Empty(sim.Removed);
        Assert.Equal(Phases.Completed, sim.Phase);
        Assert.Equal(due.UtcDateTime, sim.Status.Cleanup!.DueAt);
        var waiting = Assert.Single(sim.Status.Conditions!, c => c.Type == ConditionTypes.CleanedUp);
        Assert.Equal(("False", "RetentionPending"), (waiting.Status, waiting.Reason));
        Assert.Contains($"will be removed at {due:u}", sim.Status.Message, StringComparison.Ordinal);
        sim.Round();
        Assert.NotEmpty(sim.Removed);
    }

    [Fact]
    public void Delete_removes_what_it_names_once_due_in_order_and_records_each_in_status_history_and_Events()
    {
        var sim = Completing(DeleteEverything());
        var due = WindowEnds(sim) + Retention;
        sim.RunUntil(s => s.Status.Cleanup?.FinishedAt is not null, maxRounds: 2000, maxStep: TimeSpan.FromMinutes(10));

        Assert.Equal(
            [(CleanupPolicies.HttpRoute, HttpRoute), (CleanupPolicies.Deployment, V1), (CleanupPolicies.Service, V1), (CleanupPolicies.ConfigMap, FlagsConfigMap)],
            sim.Removed.Select(r => (r.Kind, r.Name)).ToList());
        Assert.Equal(due, sim.Rounds.First(r => r.Actions.OfType<RemoveObject>().Any()).Input.Now);
        Assert.False(sim.V1.Exists);
        Assert.True(sim.V2.Exists);
        Assert.DoesNotContain(V1, sim.Services);
        Assert.Contains(V2, sim.Services);
        Assert.False(sim.Route.HasV1Backend);

        var cleanup = sim.Status.Cleanup!;
        Assert.All(cleanup.Objects, o => Assert.Equal(due.UtcDateTime, o.RequestedAt));
        Assert.Equal(
            [CleanupPolicies.BackendRemoved, CleanupPolicies.Deleted, CleanupPolicies.Deleted, CleanupPolicies.Deleted],
            cleanup.Objects.Select(o => o.Outcome).ToList());
        Assert.Equal(k8s.KubernetesJson.Serialize(cleanup), k8s.KubernetesJson.Serialize(sim.Status.History![^1].Cleanup));
        var done = Assert.Single(sim.Status.Conditions!, c => c.Type == ConditionTypes.CleanedUp);
        Assert.Equal(("True", "CleanedUp"), (done.Status, done.Reason));
        Assert.Equal(
            $"Completed: V2 serves 100%; cleaned up: removed V1's backendRef in HTTPRoute {HttpRoute}; deleted Deployment {V1}; deleted Service {V1}; deleted ConfigMap {FlagsConfigMap}",
            sim.Status.Message);
        Assert.Equal(4, sim.EventsWithReason("CleanedUp").Select(e => e.Key).Distinct().Count());

        // Finished: later rounds neither act nor write.
        var finished = k8s.KubernetesJson.Serialize(sim.Status);
        sim.RunFor(TimeSpan.FromDays(1), maxStep: TimeSpan.FromHours(1));
        Assert.Equal(4, sim.Removed.Count);
        Assert.Equal(finished, k8s.KubernetesJson.Serialize(sim.Status));
    }

    [Fact]
    public void A_crash_after_recording_the_request_removes_on_the_next_round_and_still_records_Deleted()
    {
        var sim = Completing(new CleanupSpec { Policy = CleanupPolicies.Delete });
        sim.RunUntil(s => s.Status.Cleanup?.Objects.Any(o => o.RequestedAt is not null) == true, maxRounds: 2000, maxStep: TimeSpan.FromMinutes(1));
        Assert.Single(sim.Removed);

        // The process dies right after the status write of the round that asked: nothing of it was applied.
        sim.V1.Exists = true;
        sim.Removed.Clear();
        sim.Round();
        Assert.Equal([new RemoveObject(CleanupPolicies.Deployment, V1)], sim.Removed);
        sim.Round();

        Assert.Equal(CleanupPolicies.Deleted, Assert.Single(sim.Status.Cleanup!.Objects).Outcome);
        Assert.NotNull(sim.Status.Cleanup.FinishedAt);
    }

    [Fact]
    public void A_restarted_operator_keeps_the_due_time_from_status()
    {
        var sim = Completing(new CleanupSpec { Policy = CleanupPolicies.Delete, RetentionSeconds = 3600 });
        sim.RunUntilPhase(Phases.Completed, maxStep: TimeSpan.FromSeconds(10));
        var dueAt = sim.Status.Cleanup!.DueAt;

        // A fresh process (nothing in memory) halfway through the retention decides from the persisted status alone.
        sim.Advance(TimeSpan.FromMinutes(30));
        var halfway = MigrationDecider.Decide(sim.Observe());
        Assert.Empty(halfway.Actions);
        Assert.Equal(dueAt, halfway.Status.Cleanup!.DueAt);
        Assert.Equal(AnalysisBook.ToOffset(dueAt!.Value) - sim.Now, halfway.RequeueAfter);

        sim.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal([new RemoveObject(CleanupPolicies.Deployment, V1)], MigrationDecider.Decide(sim.Observe()).Actions);
    }

    [Fact]
    public void Objects_a_person_already_deleted_are_recorded_as_already_gone_not_deleted_again()
    {
        var sim = Completing(new CleanupSpec { Policy = CleanupPolicies.Delete, DeleteFlagsConfigMap = true });
        sim.RunUntilPhase(Phases.Completed, maxStep: TimeSpan.FromSeconds(10));
        sim.Flags.Exists = false;

        sim.RunUntil(s => s.Status.Cleanup?.FinishedAt is not null, maxStep: TimeSpan.FromMinutes(1));

        Assert.Equal([new RemoveObject(CleanupPolicies.Deployment, V1)], sim.Removed);
        Assert.Equal(CleanupPolicies.AlreadyGone, sim.Status.Cleanup!.Objects.Single(o => o.Kind == CleanupPolicies.ConfigMap).Outcome);
        Assert.Contains(sim.EventsWithReason("CleanedUp"), e => e.Message == $"Cleanup after completion: ConfigMap {FlagsConfigMap} was already gone");
    }

    [Fact]
    public void A_spec_that_no_longer_asks_during_the_retention_keeps_V1_and_never_adds_a_removal()
    {
        var sim = Completing(new CleanupSpec { Policy = CleanupPolicies.Delete, RetentionSeconds = 3600 });
        sim.RunUntilPhase(Phases.Completed, maxStep: TimeSpan.FromSeconds(10));

        // Asking for more after completion adds nothing; going back to ScaleToZero calls the deletion off.
        sim.ChangeSpec(spec => spec.Completion!.Cleanup!.DeleteFlagsConfigMap = true);
        sim.Round();
        Assert.Single(sim.Status.Cleanup!.Objects);
        sim.ChangeSpec(spec => spec.Completion!.Cleanup!.Policy = CleanupPolicies.ScaleToZero);
        sim.RunFor(TimeSpan.FromHours(3), maxStep: TimeSpan.FromMinutes(10));

        Assert.Empty(sim.Removed);
        Assert.True(sim.V1.Exists);
        Assert.Equal(CleanupPolicies.Kept, Assert.Single(sim.Status.Cleanup!.Objects).Outcome);
        Assert.Equal(Phases.Completed, sim.Phase);
    }

    [Fact]
    public void V1s_HorizontalPodAutoscaler_goes_with_its_Deployment()
    {
        var sim = new MigrationSimulator(Standard(spec =>
        {
            spec.Stages = [Weight("full", 100, "1m")];
            spec.Completion!.RollbackWindowSeconds = 60;
            spec.Completion.Cleanup = new CleanupSpec { Policy = CleanupPolicies.Delete };
        }), v1Replicas: 4)
        {
            CheckInvariants = false,
        };
        sim.V1.Autoscaler = new SimulatedAutoscaler("session-pool-v1-hpa", 4, 8);

        sim.RunUntil(s => s.Status.Cleanup?.FinishedAt is not null, maxStep: TimeSpan.FromSeconds(30));

        Assert.Equal(
            [(CleanupPolicies.HorizontalPodAutoscaler, "session-pool-v1-hpa"), (CleanupPolicies.Deployment, V1)],
            sim.Removed.Select(r => (r.Kind, r.Name)).ToList());
        Assert.Null(sim.V1.Autoscaler);
    }

    [Fact]
    public void A_rolled_back_migration_never_cleans_up()
    {
        var sim = Completing(DeleteEverything());
        sim.Request(ActionAnnotations.Abort);
        sim.RunUntilPhase(Phases.RolledBack);
        sim.RunFor(TimeSpan.FromDays(1), maxStep: TimeSpan.FromHours(1));

        Assert.Empty(sim.Removed);
        Assert.Null(sim.Status.Cleanup);
    }
}
