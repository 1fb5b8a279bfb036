using System.Globalization;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Kubectl.Actions;
using PoolOperator.Kubectl.Cluster;
using PoolOperator.Kubectl.Planning;
using PoolOperator.Kubectl.Reporting;
using PoolOperator.Kubectl.Views;
using Spectre.Console;

namespace PoolOperator.Kubectl.Commands;

/// <summary>What each command does against the cluster; the views and rules it uses are pure and tested on their own.</summary>
internal static class MigrationCommands
{
    private static readonly TimeSpan WatchRefresh = TimeSpan.FromSeconds(1);

    private static TimeProvider Clock => TimeProvider.System;

    public static async Task<int> ListAsync(ClusterOptions options, bool allNamespaces, IAnsiConsole console, CancellationToken cancellationToken)
    {
        using var connection = ClusterConnection.Open(options);
        var migrations = await new MigrationStore(connection).ListAsync(allNamespaces, cancellationToken);
        if (migrations.Count == 0)
        {
            console.WriteLine(allNamespaces ? "No PoolMigrations found." : $"No PoolMigrations found in namespace {connection.Namespace}.");
            return ExitCodes.Ok;
        }

        console.Write(ListView.Render(migrations, allNamespaces, Clock.GetUtcNow()));
        return ExitCodes.Ok;
    }

    public static async Task<int> StatusAsync(ClusterOptions options, string name, bool watch, IAnsiConsole console, CancellationToken cancellationToken)
    {
        using var connection = ClusterConnection.Open(options);
        var store = new MigrationStore(connection);
        var migration = await store.GetAsync(name, cancellationToken);
        if (!watch)
        {
            console.Write(StatusView.Render(migration, Clock.GetUtcNow()));
            return ExitCodes.Ok;
        }

        if (!console.Profile.Capabilities.Interactive)
        {
            return await WatchAsLogAsync(store, migration, console, cancellationToken);
        }

        var exit = ExitCodes.Ok;
        await console.Live(StatusView.Render(migration, Clock.GetUtcNow())).Overflow(VerticalOverflow.Ellipsis).StartAsync(async live =>
        {
            while (true)
            {
                live.UpdateTarget(StatusView.Render(migration, Clock.GetUtcNow()));
                live.Refresh();
                if (Finished(migration) is { } code)
                {
                    exit = code;
                    return;
                }

                await Task.Delay(WatchRefresh, cancellationToken);
                migration = await RefreshAsync(store, migration, cancellationToken);
            }
        });
        console.WriteLine(exit == ExitCodes.Ok ? $"{name} completed." : $"{name} rolled back: {migration.Status?.Message}");
        return exit;
    }

    /// <summary>Without a terminal (a pipe, a CI log) each change is printed as a new frame instead of redrawn.</summary>
    private static async Task<int> WatchAsLogAsync(MigrationStore store, PoolMigration migration, IAnsiConsole console, CancellationToken cancellationToken)
    {
        string? shown = null;
        while (true)
        {
            if (migration.Metadata.ResourceVersion != shown)
            {
                shown = migration.Metadata.ResourceVersion;
                console.Write(StatusView.Render(migration, Clock.GetUtcNow()));
                console.WriteLine();
            }

            if (Finished(migration) is { } code)
            {
                return code;
            }

            await Task.Delay(WatchRefresh, cancellationToken);
            migration = await RefreshAsync(store, migration, cancellationToken);
        }
    }

    /// <summary>The migration as it is now; an apiserver that fails for a moment leaves the last view up, a deleted migration ends the watch.</summary>
    private static async Task<PoolMigration> RefreshAsync(MigrationStore store, PoolMigration shown, CancellationToken cancellationToken)
    {
        try
        {
            return await store.GetAsync(shown.Metadata.Name, cancellationToken);
        }
        catch (PluginException e) when (e.ExitCode == ExitCodes.Error)
        {
            return shown;
        }
    }

    private static int? Finished(PoolMigration migration) => migration.Status?.Phase switch
    {
        Phases.Completed => ExitCodes.Ok,
        Phases.RolledBack => ExitCodes.RolledBack,
        _ => null,
    };

    public static async Task<int> ActAsync(ClusterOptions options, string action, string name, bool wait, TimeSpan timeout, TextWriter output, CancellationToken cancellationToken)
    {
        using var connection = ClusterConnection.Open(options);
        var store = new MigrationStore(connection);
        var migration = await store.GetAsync(name, cancellationToken);
        var now = Clock.GetUtcNow();
        var token = now.ToString("yyyyMMdd'T'HHmmss.fff'Z'", CultureInfo.InvariantCulture);
        var request = ActionRules.For(action, migration, token);
        if (!request.Applies)
        {
            throw new PluginException(ExitCodes.NotApplicable, $"{action} refused: {request.Refusal}");
        }

        if (request.ChangesNothing)
        {
            await output.WriteLineAsync(request.Message);
            return ExitCodes.Ok;
        }

        await store.AnnotateAsync(name, request.Annotations, cancellationToken);
        await output.WriteLineAsync(request.Message);
        if (!wait)
        {
            return ExitCodes.Ok;
        }

        var deadline = Clock.GetUtcNow() + timeout;
        while (Clock.GetUtcNow() < deadline)
        {
            migration = await store.GetAsync(name, cancellationToken);
            if (Handled(action, migration, token))
            {
                await output.WriteLineAsync($"handled: {migration.Status?.Phase}, stage {migration.Status?.StageName}: {migration.Status?.Message}");
                return ExitCodes.Ok;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        throw new PluginException(ExitCodes.Error, $"the operator did not handle the {action} request within {Durations.Short(timeout)}; is it running? The annotation stays set and is handled when it runs");
    }

    private static bool Handled(string action, PoolMigration migration, string token) => action switch
    {
        "pause" => migration.Status?.Pause is not null,
        _ => ActionRules.HandledToken(action, migration.Status) == token,
    };

    public static async Task<int> PlanAsync(ClusterOptions options, string file, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var migration = ManifestReader.Read(file);
        using var connection = ClusterConnection.Open(options);
        migration.Metadata.NamespaceProperty ??= connection.Namespace;
        using var http = new HttpClient();
        var input = await new PlanObserver(connection, http).ObserveAsync(migration, cancellationToken);
        var result = Preflight.Evaluate(input);
        console.Write(PlanView.Render($"{migration.Metadata.NamespaceProperty}/{migration.Metadata.Name}", result));
        return result.Blocked ? ExitCodes.BlockingFinding : ExitCodes.Ok;
    }

    public static async Task<int> ReportAsync(ClusterOptions options, string name, string format, TextWriter output, CancellationToken cancellationToken)
    {
        using var connection = ClusterConnection.Open(options);
        var migration = await new MigrationStore(connection).GetAsync(name, cancellationToken);
        var report = ReportBuilder.Build(migration, Clock.GetUtcNow());
        await output.WriteAsync(format == "json" ? ReportFormats.ToJson(report) + "\n" : ReportFormats.ToMarkdown(report));
        return ExitCodes.Ok;
    }
}
