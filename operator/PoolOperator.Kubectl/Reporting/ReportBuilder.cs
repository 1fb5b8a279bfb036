using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Kubectl.Views;

namespace PoolOperator.Kubectl.Reporting;

/// <summary>Builds the report from status.history, completed for the run under way from the live status.</summary>
internal static class ReportBuilder
{
    public const string UnderWay = "InProgress";

    public static MigrationReport Build(PoolMigration migration, DateTimeOffset now)
    {
        var status = migration.Status ?? new PoolMigrationStatus();
        var runs = (status.History ?? []).Select(run => Run(run, status, now)).ToList();
        var final = new FinalState(
            status.Phase ?? Phases.Pending,
            status.StageName,
            status.Weight ?? 0,
            Ready(status.V1),
            Ready(status.V2),
            status.Message,
            At(status.CompletedAt));
        return new MigrationReport(migration.Metadata.Name, migration.Metadata.NamespaceProperty ?? "", now, final, runs, Cleanup(migration, status));
    }

    private static RunReport Run(RunRecord run, PoolMigrationStatus status, DateTimeOffset now)
    {
        var current = run.Run == (status.Run ?? 1) && run.EndedAt is null;
        var stages = run.Stages.Select(stage => Stage(stage, status, current)).ToList();
        var rollback = run.Rollback is { } r
            ? new RollbackReport(r.Trigger, r.Reason, At(r.At), r.FromStage, r.Weight, At(r.CompletedAt), [.. r.Snapshot.Values.Select(Check)])
            : null;
        return new RunReport(run.Run, run.Reason, At(run.StartedAt), At(run.EndedAt), run.Outcome ?? UnderWay, stages, rollback, TimeAtWeight(run, now));
    }

    private static StageReport Stage(StageRecord stage, PoolMigrationStatus status, bool currentRun)
    {
        // The stage under way keeps its live values in the status until it ends.
        var open = currentRun && stage.EndedAt is null;
        var checks = open
            ? (status.Analysis?.Checks ?? []).Select(Check).ToList()
            : stage.Checks.Select(c => new CheckReport(c.Name, c.Verdict, c.Value, c.Baseline, At(c.MeasuredAt))).ToList();
        var readyAt = open && status.StageIndex == stage.Index ? status.StageReadyAt : stage.ReadyAt;
        return new StageReport(stage.Name, stage.Weight, stage.ShadowPercent, At(stage.StartedAt), At(readyAt), At(stage.EndedAt), stage.Outcome ?? UnderWay, checks);
    }

    private static List<WeightTime> TimeAtWeight(RunRecord run, DateTimeOffset now)
    {
        var spans = new List<(int Weight, int Shadow, TimeSpan Time)>();
        foreach (var stage in run.Stages.Where(s => s.StartedAt is not null))
        {
            var end = At(stage.EndedAt) ?? At(run.EndedAt) ?? now;
            spans.Add((stage.Weight, stage.ShadowPercent, end - At(stage.StartedAt)!.Value));
        }

        // After the last stage passed, V2 served everything through the rollback window.
        if (At(run.PromotedAt) is { } promoted && run.Rollback is null)
        {
            spans.Add((100, 0, (At(run.EndedAt) ?? now) - promoted));
        }

        return [.. spans
            .GroupBy(s => (s.Weight, s.Shadow))
            .OrderBy(g => g.Key.Weight).ThenByDescending(g => g.Key.Shadow)
            .Select(g => new WeightTime(g.Key.Weight, g.Key.Shadow, Math.Round(g.Sum(s => Math.Max(0, s.Time.TotalSeconds)), 1)))];
    }

    private static List<string> Cleanup(PoolMigration migration, PoolMigrationStatus status)
    {
        var (spec, name) = (migration.Spec, migration.Metadata.Name);
        var routing = spec.TrafficRouting;
        switch (status.Phase)
        {
            case Phases.Completed when status.Cleanup is { Policy: "Delete" } cleanup:
                return OperatorCleanup(cleanup, name);
            case Phases.Completed:
                var items = new List<string>
                {
                    (status.V1?.Replicas ?? 0) == 0
                        ? $"Deployment {spec.V1.Deployment} (V1) is at 0 replicas: delete it once no rollback is wanted (or let the operator: spec.completion.cleanup.policy Delete)"
                        : $"Deployment {spec.V1.Deployment} (V1) still has {status.V1?.Replicas} replicas",
                };
                if (routing?.GatewayApi is { } route)
                {
                    items.Add($"HTTPRoute {route.HttpRoute} sends 100% to {route.V2Service}: drop the {route.V1Service} backend and Service");
                }

                if (routing?.Flags is { } flags)
                {
                    items.Add($"ConfigMap {flags.ConfigMap} publishes 100% V2: applications can stop consulting it, then delete it");
                }

                items.Add($"PoolMigration {name} can be deleted: after completion its deletion restores nothing");
                return items;
            case Phases.RolledBack:
                return
                [
                    $"Deployment {spec.V2.Deployment} (V2) is back at {status.Original?.V2.Replicas ?? 0} replicas: fix it, then `kubectl poolmigration retry {name}`, or delete the PoolMigration",
                ];
            default:
                return [$"{name} is {status.Phase ?? Phases.Pending}: nothing to clean up until it completes or rolls back"];
        }
    }

    /// <summary>spec.completion.cleanup policy Delete: what the operator removed and when, and what is still to come.</summary>
    private static List<string> OperatorCleanup(CleanupStatus cleanup, string name)
    {
        var items = cleanup.Objects.Select(o => o.Outcome switch
        {
            "Deleted" => $"done: deleted {What(o)} at {Stamp(o.DoneAt)}",
            "BackendRemoved" => $"done: removed {What(o)} at {Stamp(o.DoneAt)}",
            "AlreadyGone" => $"done: {What(o)} was already gone at {Stamp(o.DoneAt)}",
            "Kept" => $"kept: {What(o)} (spec.completion.cleanup no longer asks to remove it): remove it by hand when no rollback is wanted",
            _ when o.RequestedAt is not null => $"pending: {What(o)}, removal asked at {Stamp(o.RequestedAt)}",
            _ => $"pending: {What(o)}, removed by the operator at {Stamp(cleanup.DueAt)}",
        }).ToList();
        items.Add($"PoolMigration {name} can be deleted: after completion its deletion restores nothing" +
            (cleanup.FinishedAt is null ? " (deleting it now also calls off the pending removals)" : ""));
        return items;
    }

    private static string What(CleanupObject target) => target.Kind == "HTTPRoute"
        ? $"V1's backendRef in HTTPRoute {target.Name}"
        : $"{target.Kind} {target.Name}";

    private static string Stamp(DateTime? time) => At(time) is { } at ? at.ToString("u", System.Globalization.CultureInfo.InvariantCulture) : "-";

    private static CheckReport Check(CheckStatus c) => new(c.Name, c.Verdict, c.Value, c.Baseline, At(c.MeasuredAt));

    private static string Ready(PoolReplicaStatus? pool) => pool is null ? "-" : $"{pool.ReadyReplicas}/{pool.Replicas}";

    private static DateTimeOffset? At(DateTime? time) => time is { } t ? Durations.Utc(t) : null;
}
