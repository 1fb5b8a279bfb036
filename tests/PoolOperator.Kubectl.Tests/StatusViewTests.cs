using PoolOperator.Kubectl.Views;
using Xunit;

namespace PoolOperator.Kubectl.Tests;

public sealed class StatusViewTests
{
    private static readonly DateTimeOffset Now = new(Migrations.Start.AddMinutes(18));

    private static string Render(PoolOperator.Api.V1Alpha1.PoolMigration migration) => TextRendering.ToText(StatusView.Render(migration, Now));

    [Fact]
    public void Marks_the_current_stage_and_shows_weight_pools_checks_and_time_left()
    {
        var text = Render(Migrations.Standard(Migrations.AtCanary25()));

        Assert.Matches(@"Phase: +Progressing", text);
        Assert.Contains("canary-25 (3/5), run 1", text);
        Assert.Contains("[#####---------------] 25% on V2", text);
        Assert.Contains("session-pool-v1: 7/7 ready", text);
        Assert.Contains("session-pool-v2: 2/3 ready", text);

        // Ready at minute 16, 10m long, now minute 18.
        Assert.Contains("8m00s left of 10m00s", text);

        var rows = text.Split('\n');
        var current = Assert.Single(rows, r => r.TrimStart().StartsWith(StatusView.CurrentMarker, StringComparison.Ordinal));
        Assert.Contains("canary-25", current);
        Assert.Contains("running", current);
        Assert.Contains(rows, r => r.Contains("canary-5", StringComparison.Ordinal) && r.Contains("passed", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("half", StringComparison.Ordinal) && r.Contains("approval", StringComparison.Ordinal) && r.Contains("pending", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("v2-error-rate", StringComparison.Ordinal) && r.Contains("0.004", StringComparison.Ordinal) && r.Contains("Pass", StringComparison.Ordinal) && r.Contains("0/3", StringComparison.Ordinal));
        Assert.Contains("half: ahead", text);
    }

    [Fact]
    public void A_waiting_gate_says_how_to_approve()
    {
        var status = Migrations.AtCanary25();
        status.Phase = "AwaitingApproval";
        status.StageIndex = 3;
        status.StageName = "half";
        status.Weight = 50;

        var text = Render(Migrations.Standard(status));

        Assert.Contains("duration done; waiting for approval", text);
        Assert.Contains("half: WAITING for approval: kubectl poolmigration approve session-pool", text);
        Assert.Contains("[##########----------] 50% on V2", text);
    }

    [Fact]
    public void A_stage_without_its_capacity_counts_down_the_progress_deadline()
    {
        var status = Migrations.AtCanary25();
        status.StageReadyAt = null;

        var text = Render(Migrations.Standard(status));

        // Started at minute 15, default deadline 600s, now minute 18.
        Assert.Contains("waiting for V2 capacity (progress deadline in 7m00s)", text);
        Assert.Contains(text.Split('\n'), r => r.Contains("canary-25", StringComparison.Ordinal) && r.Contains("scaling", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unmeasured_check_is_shown_as_such()
    {
        var status = Migrations.AtCanary25();
        status.Analysis = null;

        Assert.Contains("not measured yet", Render(Migrations.Standard(status)));
    }

    [Theory]
    [InlineData(0, "[--------------------]")]
    [InlineData(5, "[#-------------------]")]
    [InlineData(100, "[####################]")]
    [InlineData(140, "[####################]")]
    public void The_weight_bar_fills_with_the_share(int percent, string bar) => Assert.Equal(bar, WeightBar.Of(percent));
}
