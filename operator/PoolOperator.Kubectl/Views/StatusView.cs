using System.Globalization;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PoolOperator.Kubectl.Views;

/// <summary>
/// The live view of one migration: phase, stages with the current one marked, the weight bar, V1 and V2 ready,
/// each check's last value and verdict, the gates and the time left in the stage.
/// </summary>
internal static class StatusView
{
    public const string CurrentMarker = ">";

    public static IRenderable Render(PoolMigration migration, DateTimeOffset now)
    {
        var status = migration.Status ?? new PoolMigrationStatus();
        var plan = MigrationPlan.From(migration.Spec);
        return new Rows(
            Summary(migration, status, now),
            new Text(""),
            Stages(status, plan),
            new Text(""),
            Checks(status, plan),
            new Text(""),
            Gates(migration, status, plan));
    }

    private static Grid Summary(PoolMigration migration, PoolMigrationStatus status, DateTimeOffset now)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string label, string value) => grid.AddRow(new Text(label), new Text(value));

        Row("Name:", $"{migration.Metadata.Name} (namespace {migration.Metadata.NamespaceProperty})");
        Row("Phase:", status.Phase ?? Phases.Pending);
        Row("Message:", status.Message ?? "");
        var stageCount = migration.Spec.Stages.Count;
        Row("Stage:", status.StageName is { } name ? $"{name} ({(status.StageIndex ?? 0) + 1}/{stageCount}), run {status.Run ?? 1}" : "-");
        Row("Time left:", StageClock.Describe(migration, now));
        var weight = status.Weight ?? 0;
        var shadow = status.ShadowPercent is > 0 ? $", shadow copy {status.ShadowPercent}%" : "";
        Row("Weight:", $"{WeightBar.Of(weight)} {weight}% on V2{shadow}");
        Row("V1:", Pool(migration.Spec.V1.Deployment, status.V1));
        Row("V2:", Pool(migration.Spec.V2.Deployment, status.V2));
        return grid;
    }

    private static string Pool(string deployment, PoolReplicaStatus? pool) =>
        pool is null ? $"{deployment}: not observed yet" : $"{deployment}: {pool.ReadyReplicas}/{pool.Replicas} ready";

    private static Table Stages(PoolMigrationStatus status, MigrationPlan plan)
    {
        var table = new Table().Border(TableBorder.Simple).Title("Stages")
            .AddColumns("", "#", "Stage", "Traffic", "Duration", "Gate", "State");
        foreach (var stage in plan.Stages)
        {
            var current = status.StageIndex == stage.Index && status.Phase is not (Phases.Completed or Phases.RolledBack or Phases.RollingBack);
            table.AddRow(
                current ? CurrentMarker : "",
                (stage.Index + 1).ToString(CultureInfo.InvariantCulture),
                Markup.Escape(stage.Name),
                stage.IsShadow ? $"shadow {stage.ShadowPercent}%" : $"{stage.Weight}%",
                stage.Duration > TimeSpan.Zero ? Durations.Short(stage.Duration) : "-",
                stage.RequiresApproval ? "approval" : "",
                StageState(status, stage));
        }

        return table;
    }

    private static string StageState(PoolMigrationStatus status, PlannedStage stage)
    {
        var index = status.StageIndex ?? -1;
        var recorded = status.History?.LastOrDefault(r => r.Run == (status.Run ?? 1))?.Stages.LastOrDefault(s => s.Index == stage.Index);
        if (recorded?.Outcome is { } outcome)
        {
            return outcome.ToLowerInvariant();
        }

        return status.Phase switch
        {
            Phases.Completed => stage.Index <= index ? "passed" : "",
            Phases.RollingBack or Phases.RolledBack => stage.Index == index ? "rolled back" : "",
            _ when stage.Index == index && status.PromotedAt is not null => "passed",
            _ when stage.Index == index && status.Phase == Phases.AwaitingApproval => "awaiting approval",
            _ when stage.Index == index => status.StageReadyAt is null ? "scaling" : "running",
            _ when stage.Index < index => "passed",
            _ => "pending",
        };
    }

    private static Table Checks(PoolMigrationStatus status, MigrationPlan plan)
    {
        var table = new Table().Border(TableBorder.Simple).Title("Checks")
            .AddColumns("Check", "Value", "Baseline", "Verdict", "Failures", "Measured");
        var measured = status.Analysis?.Checks ?? [];
        var names = plan.Checks.Select(c => c.Name).Concat(measured.Select(c => c.Name)).Distinct(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var check = measured.FirstOrDefault(c => c.Name == name);
            table.AddRow(
                Markup.Escape(name),
                Number(check?.Value),
                Number(check?.Baseline),
                check?.Verdict ?? "not measured yet",
                check is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{check.ConsecutiveFailures}/{plan.FailureLimit}"),
                check?.MeasuredAt is { } at ? at.ToUniversalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture) : "");
        }

        return table;
    }

    private static IRenderable Gates(PoolMigration migration, PoolMigrationStatus status, MigrationPlan plan)
    {
        var gated = plan.Stages.Where(s => s.RequiresApproval).ToList();
        if (gated.Count == 0)
        {
            return new Text("Gates: none");
        }

        var lines = gated.Select(stage =>
        {
            var index = status.StageIndex ?? -1;
            var state = status.Phase == Phases.AwaitingApproval && stage.Index == index
                ? $"WAITING for approval: kubectl poolmigration approve {migration.Metadata.Name}"
                : stage.Index < index || status.Phase == Phases.Completed || (stage.Index == index && status.PromotedAt is not null) ? "approved"
                : "ahead";
            return $"  {stage.Name}: {state}";
        });
        return new Text("Gates:\n" + string.Join("\n", lines));
    }

    internal static string Number(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "-";
}
