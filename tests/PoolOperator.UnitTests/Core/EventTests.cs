using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

public sealed class EventTests
{
    [Fact]
    public void Each_milestone_has_one_key_with_one_reason_and_one_type()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntil(s =>
        {
            s.ApproveWhenWaiting();
            return s.Phase == Phases.Completed;
        });

        Assert.Equal(["run1-stage0", "run1-stage1", "run1-stage2", "run1-stage3", "run1-stage3-gate", "run1-stage4", "run1-promoted", "run1-completed"], sim.Milestones());
        Assert.All(sim.Events.Where(e => e.Key is not null).GroupBy(e => e.Key), g => Assert.Single(g.Select(e => (e.Type, e.Reason)).Distinct()));
        Assert.Contains(sim.Events, e => e.Key == "run1-stage2" && e.Reason == "StageStarted" && e.Message.Contains("canary-25", StringComparison.Ordinal));
        Assert.Contains(sim.Events, e => e.Key == "run1-stage3-gate" && e.Reason == "AwaitingApproval" && e.Message.Contains("half", StringComparison.Ordinal));
        Assert.Single(sim.EventsWithReason("Approved"));
        Assert.DoesNotContain(sim.Events, e => e.Type == MigrationEvent.Warning);
    }

    [Fact]
    public void Rollback_emits_a_warning_naming_the_trigger_and_a_retry_starts_new_milestones()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-25");
        sim.Verdicts[ErrorRate] = Verdict.Fail;
        sim.RunUntilPhase(Phases.RolledBack);

        var warning = sim.Events.First(e => e.Key == "run1-rollback");
        Assert.Equal(MigrationEvent.Warning, warning.Type);
        Assert.Equal("RollbackTriggered", warning.Reason);
        Assert.Contains(ErrorRate, warning.Message, StringComparison.Ordinal);
        Assert.Contains("canary-25", warning.Message, StringComparison.Ordinal);
        Assert.Contains(sim.Events, e => e.Key == "run1-rolledback" && e.Type == MigrationEvent.Warning);

        sim.Verdicts[ErrorRate] = Verdict.Pass;
        sim.Request(ActionAnnotations.Retry);
        sim.RunUntilStageReady("shadow");
        Assert.Equal("run2-stage0", sim.Milestones()[^1]);
        Assert.Single(sim.EventsWithReason("Retry"));
    }

    [Fact]
    public void Milestones_are_repeated_while_current_so_a_crash_before_recording_loses_none()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilStageReady("canary-5");
        sim.Request(ActionAnnotations.Abort);
        sim.Round(crashAfterStatusWrite: true);
        Assert.DoesNotContain(sim.Events, e => e.Key == "run1-rollback");

        sim.Advance(TimeSpan.FromSeconds(1));
        sim.Round();
        Assert.Contains(sim.Events, e => e.Key == "run1-rollback" && e.Type == MigrationEvent.Warning);
    }

    [Fact]
    public void A_StageStarted_lost_to_crashes_is_recorded_by_the_round_that_passes_the_stage()
    {
        var sim = new MigrationSimulator(Standard());

        // Every round of the shadow stage acts, then crashes before its Events are recorded.
        while (sim.Migration.Status?.StageName is null or "shadow")
        {
            sim.RoundLosingEvents();
            sim.Step();
        }

        Assert.Empty(sim.Events);
        sim.Round();

        Assert.Equal(["run1-stage0", "run1-stage1"], sim.Milestones());
        Assert.Contains("stage shadow started", sim.Events[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_completed_run_still_records_its_last_stage_and_the_promotion_when_their_Events_were_lost()
    {
        var sim = new MigrationSimulator(Standard());
        sim.RunUntilPhase(Phases.AwaitingApproval);
        sim.ApproveWhenWaiting();

        // From the round that enters the last stage to the one that completes, every round crashes before its Events.
        while (sim.Phase != Phases.Completed)
        {
            sim.RoundLosingEvents();
            sim.Step();
        }

        Assert.DoesNotContain("run1-stage4", sim.Milestones());
        sim.Round();

        Assert.Equal(["run1-stage4", "run1-promoted", "run1-completed"], sim.Milestones().TakeLast(3));
        Assert.DoesNotContain("warm", sim.Events.Single(e => e.Key == "run1-promoted").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stage_that_started_more_than_an_event_lifetime_ago_is_not_announced_again()
    {
        var plan = MigrationPlan.From(Standard().Spec);
        var now = MigrationSimulator.Start;
        var status = new PoolMigrationStatus
        {
            Phase = Phases.Progressing,
            Run = 1,
            StageIndex = 2,
            History =
            [
                new RunRecord
                {
                    Run = 1,
                    Stages =
                    [
                        new StageRecord { Index = 0, StartedAt = (now - Milestones.PastMilestoneLifetime - TimeSpan.FromMinutes(1)).UtcDateTime },
                        new StageRecord { Index = 1, StartedAt = (now - TimeSpan.FromMinutes(20)).UtcDateTime },
                        new StageRecord { Index = 2, StartedAt = (now - TimeSpan.FromMinutes(2)).UtcDateTime },
                    ],
                },
            ],
        };

        var keys = Milestones.For(status, plan, [], now).Select(e => e.Key);

        Assert.Equal(["run1-stage1", "run1-stage2"], keys);
    }
}
