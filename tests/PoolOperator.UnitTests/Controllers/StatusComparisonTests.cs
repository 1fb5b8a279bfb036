using PoolOperator.Api.V1Alpha1;
using PoolOperator.Controllers;
using Xunit;

namespace PoolOperator.UnitTests.Controllers;

public sealed class StatusComparisonTests
{
    private static readonly DateTime Earlier = new(2026, 11, 30, 10, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Later = Earlier.AddSeconds(10);

    [Fact]
    public void A_first_status_is_always_written()
    {
        Assert.True(StatusComparison.WorthWriting(null, Status(Earlier)));
    }

    [Fact]
    public void A_repeated_result_that_only_moved_its_timestamps_and_stage_pass_is_not_worth_a_write()
    {
        var persisted = Status(Earlier, Check("v2-restarts", "Pass", 0, Earlier, passedInStage: false));
        var decided = Status(Later, Check("v2-restarts", "Pass", 0, Later, passedInStage: true));

        Assert.False(StatusComparison.WorthWriting(persisted, decided));
    }

    [Fact]
    public void A_built_in_check_that_first_passes_waits_for_the_next_write_but_a_failing_one_does_not()
    {
        var persisted = Status(Earlier, Check("v2-restarts", "Pass", 0, Earlier, passedInStage: false));

        Assert.False(StatusComparison.WorthWriting(persisted, Status(Later, persisted.Analysis!.Checks[0], Check("v2-ready", "Pass", 1, Later, passedInStage: true))));
        Assert.True(StatusComparison.WorthWriting(persisted, Status(Later, persisted.Analysis!.Checks[0], Check("v2-ready", "Fail", 0, Later, passedInStage: false))));
    }

    [Fact]
    public void A_passing_v2_ready_that_only_counted_more_ready_pods_waits_but_one_that_stops_passing_is_written()
    {
        var persisted = Status(Earlier, Check("v2-ready", "Pass", 1, Earlier, passedInStage: true));

        Assert.False(StatusComparison.WorthWriting(persisted, Status(Later, Check("v2-ready", "Pass", 4, Later, passedInStage: true))));
        Assert.True(StatusComparison.WorthWriting(persisted, Status(Later, Check("v2-ready", "Fail", 0, Later, passedInStage: false))));
        var failing = Status(Earlier, Check("v2-ready", "Fail", 0, Earlier, passedInStage: false));
        Assert.True(StatusComparison.WorthWriting(failing, Status(Later, Check("v2-ready", "Pass", 4, Later, passedInStage: true))));
    }

    [Fact]
    public void A_configured_check_result_its_first_pass_in_a_stage_a_new_value_or_a_phase_change_is_written()
    {
        var persisted = Status(Earlier, Check("v2-restarts", "Pass", 0, Earlier, passedInStage: true));

        Assert.True(StatusComparison.WorthWriting(persisted, Status(Later, persisted.Analysis!.Checks[0], Check("error-rate", "Pass", 0.01, Later, passedInStage: true))));
        Assert.True(StatusComparison.WorthWriting(persisted, Status(Later, Check("v2-restarts", "Pass", 2, Later, passedInStage: true))));
        var configured = Status(Earlier, Check("error-rate", "Pass", 0.01, Earlier, passedInStage: false));
        Assert.True(StatusComparison.WorthWriting(configured, Status(Later, Check("error-rate", "Pass", 0.01, Later, passedInStage: true))));
        var moved = Status(Earlier, Check("v2-restarts", "Pass", 0, Earlier, passedInStage: true));
        moved.Phase = "Completing";
        Assert.True(StatusComparison.WorthWriting(persisted, moved));
    }

    private static PoolMigrationStatus Status(DateTime lastRunAt, params CheckStatus[] checks) => new()
    {
        Phase = "AwaitingApproval",
        StageName = "gate",
        Analysis = new AnalysisStatus { LastRunAt = lastRunAt, Checks = [.. checks] },
    };

    private static CheckStatus Check(string name, string verdict, double value, DateTime measuredAt, bool passedInStage) => new()
    {
        Name = name,
        Verdict = verdict,
        Value = value,
        Message = $"{name}: {value}",
        MeasuredAt = measuredAt,
        PassedInStage = passedInStage,
    };
}
