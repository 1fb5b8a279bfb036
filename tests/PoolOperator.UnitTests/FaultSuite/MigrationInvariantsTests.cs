using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.FaultSuite;
using Xunit;

namespace PoolOperator.UnitTests.FaultSuite;

public sealed class MigrationInvariantsTests
{
    [Fact]
    public void A_weight_that_passes_over_a_stage_between_two_versions_is_a_skip()
    {
        var before = Status("Progressing", stage: 0, weight: 25);

        Assert.Empty(MigrationInvariants.StageProblems(before, Migration(Status("Progressing", stage: 1, weight: 50)), consecutive: true));
        var problems = MigrationInvariants.StageProblems(before, Migration(Status("Completing", stage: 2, weight: 100, promoted: true)), consecutive: true).ToList();
        Assert.Contains("stage index 0 -> 2 in one step", problems);
        Assert.Contains("weight 25 -> 100 passed over 50", problems);
    }

    [Fact]
    public void A_weight_beyond_the_current_stage_is_a_skip_even_without_the_version_before()
    {
        var problems = MigrationInvariants.StageProblems(null, Migration(Status("Progressing", stage: 0, weight: 50)), consecutive: false).ToList();

        Assert.Equal(["weight 50 at stage 0 (s0); stages up to it ask for 0/25"], problems);
    }

    [Fact]
    public void Across_a_relist_the_history_shows_a_skipped_stage()
    {
        var status = Status("Progressing", stage: 2, weight: 100);
        status.History = [new RunRecord { Run = 1, Stages = [new StageRecord { Index = 0 }, new StageRecord { Index = 2 }] }];

        Assert.Equal(["run 1 history enters stages [0,2]"], MigrationInvariants.StageProblems(null, Migration(status), consecutive: false));

        status.History[0].Stages.Insert(1, new StageRecord { Index = 1 });
        Assert.Empty(MigrationInvariants.StageProblems(null, Migration(status), consecutive: false));
    }

    [Fact]
    public void A_rollback_must_stay_recorded_in_the_same_run()
    {
        var mark = new RollbackMark(Run: 1, StageIndex: 1);
        var rolledBack = Status("RolledBack", stage: 1, weight: 0);
        rolledBack.Rollback = new RollbackStatus { Trigger = "v2-error-ratio" };
        Assert.Null(MigrationInvariants.RollbackLost(mark, rolledBack));

        var forgotten = Status("Progressing", stage: 1, weight: 25);
        Assert.NotNull(MigrationInvariants.RollbackLost(mark, forgotten));

        var cleared = Status("RolledBack", stage: 1, weight: 0);
        Assert.Equal("after a rollback of run 1: phase RolledBack, run 1, status.rollback gone", MigrationInvariants.RollbackLost(mark, cleared));
    }

    [Fact]
    public void After_a_rollback_neither_weight_nor_stage_grows()
    {
        var mark = new RollbackMark(Run: 1, StageIndex: 1);
        var before = Status("RollingBack", stage: 1, weight: 0);

        Assert.Null(MigrationInvariants.MovedForward(mark, before, Status("RolledBack", stage: 1, weight: 0)));
        Assert.NotNull(MigrationInvariants.MovedForward(mark, before, Status("RollingBack", stage: 1, weight: 25)));
        Assert.NotNull(MigrationInvariants.MovedForward(mark, before, Status("RollingBack", stage: 2, weight: 0)));
    }

    [Fact]
    public void Ready_capacity_counts_both_pools_against_the_promise()
    {
        Assert.Null(MigrationInvariants.CapacityShort(Deployment(3, ready: 3), Deployment(1, ready: 1), promised: 4));
        Assert.Equal("ready 2 (V1, spec 2) + 1 (V2, spec 2) = 3 < 4", MigrationInvariants.CapacityShort(Deployment(2, ready: 2), Deployment(2, ready: 1), promised: 4));
    }

    private static PoolMigrationStatus Status(string phase, int stage, int weight, bool promoted = false) => new()
    {
        Phase = phase,
        Run = 1,
        StageIndex = stage,
        StageName = "s" + stage,
        Weight = weight,
        PromotedAt = promoted ? new DateTime(2026, 11, 30, 10, 0, 0, DateTimeKind.Utc) : null,
    };

    private static PoolMigration Migration(PoolMigrationStatus status) => new()
    {
        Spec = new PoolMigrationSpec
        {
            Stages =
            [
                new MigrationStage { Name = "s0", Weight = 25 },
                new MigrationStage { Name = "s1", Weight = 50 },
                new MigrationStage { Name = "s2", Weight = 100 },
            ],
        },
        Status = status,
    };

    private static V1Deployment Deployment(int replicas, int ready) => new()
    {
        Spec = new V1DeploymentSpec { Replicas = replicas },
        Status = new V1DeploymentStatus { ReadyReplicas = ready },
    };
}
