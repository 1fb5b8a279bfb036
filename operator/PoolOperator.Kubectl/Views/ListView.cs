using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PoolOperator.Kubectl.Views;

internal static class ListView
{
    public static IRenderable Render(IReadOnlyList<PoolMigration> migrations, bool withNamespace, DateTimeOffset now)
    {
        var table = new Table().Border(TableBorder.None);
        if (withNamespace)
        {
            table.AddColumn("NAMESPACE");
        }

        table.AddColumns("NAME", "PHASE", "STAGE", "WEIGHT", "V1", "V2", "AGE", "MESSAGE");
        foreach (var migration in migrations)
        {
            var status = migration.Status;
            var cells = new List<string>();
            if (withNamespace)
            {
                cells.Add(migration.Metadata.NamespaceProperty ?? "");
            }

            var stageCount = migration.Spec.Stages.Count;
            cells.AddRange(
            [
                migration.Metadata.Name,
                status?.Phase ?? Phases.Pending,
                status?.StageName is { } stage ? $"{stage} ({(status.StageIndex ?? 0) + 1}/{stageCount})" : "-",
                $"{status?.Weight ?? 0}%",
                Ready(status?.V1),
                Ready(status?.V2),
                migration.Metadata.CreationTimestamp is { } created ? Durations.Short(now - Durations.Utc(created)) : "-",
                status?.Message ?? "",
            ]);
            table.AddRow(cells.Select(c => new Text(c)));
        }

        return table;
    }

    private static string Ready(PoolReplicaStatus? pool) => pool is null ? "-" : $"{pool.ReadyReplicas}/{pool.Replicas}";
}
