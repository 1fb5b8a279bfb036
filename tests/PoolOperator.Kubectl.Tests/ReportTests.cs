using System.Text.Json;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Kubectl.Reporting;
using Xunit;

namespace PoolOperator.Kubectl.Tests;

public sealed class ReportTests
{
    private static readonly DateTimeOffset Now = new(Migrations.Start.AddMinutes(90));

    private static PoolMigration RolledBackThenCompleted()
    {
        var status = Migrations.AtCanary25();
        var first = status.History![0];
        first.Stages[2] = Migrations.Stage(2, "canary-25", 25, 0, 15, 18, "RolledBack");
        first.Outcome = "RolledBack";
        first.EndedAt = Migrations.Start.AddMinutes(19);
        first.Rollback = new RollbackStatus
        {
            Trigger = "v2-error-rate",
            Reason = "value 0.2 > max 0.01",
            At = Migrations.Start.AddMinutes(18),
            FromStage = "canary-25",
            Weight = 25,
            CompletedAt = Migrations.Start.AddMinutes(19),
            Snapshot = new Dictionary<string, CheckStatus> { ["v2-error-rate"] = new() { Name = "v2-error-rate", Verdict = "Fail", Value = 0.2 } },
        };
        status.History.Add(new RunRecord
        {
            Run = 2,
            Reason = "Retry",
            StartedAt = Migrations.Start.AddMinutes(20),
            EndedAt = Migrations.Start.AddMinutes(80),
            PromotedAt = Migrations.Start.AddMinutes(70),
            Outcome = "Completed",
            Stages = [Migrations.Stage(0, "canary-25", 25, 0, 20, 40, "Passed"), Migrations.Stage(1, "full", 100, 0, 40, 70, "Passed")],
        });
        status.Run = 2;
        status.Phase = "Completed";
        status.CompletedAt = Migrations.Start.AddMinutes(80);
        status.Weight = 100;
        status.V1 = new PoolReplicaStatus { Replicas = 0, ReadyReplicas = 0 };
        status.V2 = new PoolReplicaStatus { Replicas = 10, ReadyReplicas = 10 };
        var migration = Migrations.Standard(status);
        migration.Spec.TrafficRouting = new TrafficRoutingSpec { Flags = new FlagsRouting { ConfigMap = "session-pool-rollout" } };
        return migration;
    }

    [Fact]
    public void The_report_keeps_each_run_its_rollback_and_the_time_at_each_weight()
    {
        var report = ReportBuilder.Build(RolledBackThenCompleted(), Now);

        Assert.Equal(["RolledBack", "Completed"], report.Runs.Select(r => r.Outcome));
        var rollback = report.Runs[0].Rollback!;
        Assert.Equal(("v2-error-rate", "canary-25", 25), (rollback.Trigger, rollback.FromStage, rollback.Weight));
        Assert.Equal(0.2, Assert.Single(rollback.Snapshot).Value);

        // Run 1: shadow 10m, 5% 5m, 25% 3m until the rollback.
        Assert.Equal([(0, 100, 600.0), (5, 0, 300.0), (25, 0, 180.0)], report.Runs[0].TimeAtWeight.Select(w => (w.Weight, w.ShadowPercent, w.Seconds)));

        // Run 2: 25% for 20m, 100% for the 30m stage and the 10m rollback window.
        Assert.Equal([(25, 0, 1200.0), (100, 0, 2400.0)], report.Runs[1].TimeAtWeight.Select(w => (w.Weight, w.ShadowPercent, w.Seconds)));
        Assert.Equal(("Completed", 100, "0/0", "10/10"), (report.Final.Phase, report.Final.Weight, report.Final.V1, report.Final.V2));
        Assert.Contains(report.Cleanup, c => c.Contains("session-pool-v1 (V1) is at 0 replicas", StringComparison.Ordinal));
        Assert.Contains(report.Cleanup, c => c.Contains("ConfigMap session-pool-rollout", StringComparison.Ordinal));
    }

    [Fact]
    public void The_stage_under_way_reports_the_live_check_values()
    {
        var report = ReportBuilder.Build(Migrations.Standard(Migrations.AtCanary25()), new DateTimeOffset(Migrations.Start.AddMinutes(18)));

        var run = Assert.Single(report.Runs);
        Assert.Equal(ReportBuilder.UnderWay, run.Outcome);
        var open = run.Stages[^1];
        Assert.Equal((ReportBuilder.UnderWay, 0.004), (open.Outcome, Assert.Single(open.Checks).Value));
        Assert.Equal(new DateTimeOffset(Migrations.Start.AddMinutes(16)), open.ReadyAt);
        Assert.Contains("nothing to clean up", Assert.Single(report.Cleanup));
    }

    [Fact]
    public void Markdown_and_json_carry_the_same_report()
    {
        var report = ReportBuilder.Build(RolledBackThenCompleted(), Now);

        var markdown = ReportFormats.ToMarkdown(report);
        Assert.Contains("# Migration report: shop/session-pool", markdown);
        Assert.Contains("## Run 1: RolledBack", markdown);
        Assert.Contains("Trigger **v2-error-rate** at 2026-11-26 10:18:00Z in stage canary-25 at weight 25%: value 0.2 > max 0.01.", markdown);
        Assert.Contains("| canary-25 | 25% | 2026-11-26 10:15:00Z | 2026-11-26 10:16:00Z | 2026-11-26 10:18:00Z | 3m00s | RolledBack |", markdown);
        Assert.Contains("| 0% (shadow copy 100%) | 10m00s |", markdown);
        Assert.Contains("| 100% | 40m00s |", markdown);
        Assert.Contains("## Cleanup: done and still to do", markdown);

        using var json = JsonDocument.Parse(ReportFormats.ToJson(report));
        var runs = json.RootElement.GetProperty("runs");
        Assert.Equal("RolledBack", runs[0].GetProperty("outcome").GetString());
        Assert.Equal("v2-error-rate", runs[0].GetProperty("rollback").GetProperty("trigger").GetString());
        Assert.Equal(2400, runs[1].GetProperty("timeAtWeight")[1].GetProperty("seconds").GetDouble());
        Assert.Equal("Completed", json.RootElement.GetProperty("final").GetProperty("phase").GetString());
    }

    [Fact]
    public void A_completed_migration_with_policy_Delete_shows_what_was_removed_and_what_is_pending()
    {
        var migration = RolledBackThenCompleted();
        migration.Status!.Cleanup = new CleanupStatus
        {
            Policy = "Delete",
            DueAt = Migrations.Start.AddMinutes(85),
            Objects =
            [
                new CleanupObject { Kind = "HTTPRoute", Name = "session-pool", RequestedAt = Migrations.Start.AddMinutes(85), DoneAt = Migrations.Start.AddMinutes(85), Outcome = "BackendRemoved" },
                new CleanupObject { Kind = "Deployment", Name = "session-pool-v1", RequestedAt = Migrations.Start.AddMinutes(85), DoneAt = Migrations.Start.AddMinutes(86), Outcome = "Deleted" },
                new CleanupObject { Kind = "ConfigMap", Name = "session-pool-rollout", DoneAt = Migrations.Start.AddMinutes(85), Outcome = "AlreadyGone" },
                new CleanupObject { Kind = "Service", Name = "session-pool-v1" },
            ],
        };

        var report = ReportBuilder.Build(migration, Now);

        Assert.Equal(
        [
            "done: removed V1's backendRef in HTTPRoute session-pool at 2026-11-26 11:25:00Z",
            "done: deleted Deployment session-pool-v1 at 2026-11-26 11:26:00Z",
            "done: ConfigMap session-pool-rollout was already gone at 2026-11-26 11:25:00Z",
            "pending: Service session-pool-v1, removed by the operator at 2026-11-26 11:25:00Z",
            "PoolMigration session-pool can be deleted: after completion its deletion restores nothing (deleting it now also calls off the pending removals)",
        ], report.Cleanup);
    }
}
