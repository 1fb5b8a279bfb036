using System.CommandLine;
using PoolOperator.Kubectl.Actions;
using PoolOperator.Kubectl.Cluster;
using PoolOperator.Kubectl.Commands;
using PoolOperator.Kubectl.Reporting;
using Spectre.Console;

namespace PoolOperator.Kubectl;

/// <summary><c>kubectl poolmigration</c>: the commands, their options, and the exit codes they end with.</summary>
internal static class PluginCommandLine
{
    private static readonly Option<string?> Kubeconfig = new("--kubeconfig") { Description = "Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)", Recursive = true };
    private static readonly Option<string?> Context = new("--context") { Description = "The kubeconfig context to use", Recursive = true };
    private static readonly Option<string?> Namespace = new("--namespace", "-n") { Description = "The namespace (default: the context's, else default)", Recursive = true };

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= System.Console.Out;
        error ??= System.Console.Error;
        var root = Build(output, error);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync($"error: {problem.Message}");
            }

            await error.WriteLineAsync("Run 'kubectl poolmigration --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }

    private static RootCommand Build(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Watch, act on, preflight and report PoolMigrations (pooloperator.io/v1alpha1).");
        root.Options.Add(Kubeconfig);
        root.Options.Add(Context);
        root.Options.Add(Namespace);

        var allNamespaces = new Option<bool>("--all-namespaces", "-A") { Description = "List the migrations of every namespace" };
        var list = new Command("list", "List PoolMigrations with phase, stage, weight and V1/V2 ready") { allNamespaces };
        list.SetAction((parse, ct) => Guard(error, () => MigrationCommands.ListAsync(Cluster(parse), parse.GetValue(allNamespaces), Console(output), ct)));
        root.Subcommands.Add(list);

        var statusName = NameArgument();
        var watch = new Option<bool>("--watch", "-w") { Description = "Keep the view live until the migration completes (exit 0) or rolls back (exit 6)" };
        var status = new Command("status", "Show a migration: stages, weight, V1/V2 ready, checks, gates, time left in the stage") { statusName, watch };
        status.SetAction((parse, ct) => Guard(error, () => MigrationCommands.StatusAsync(Cluster(parse), parse.GetValue(statusName)!, parse.GetValue(watch), Console(output), ct)));
        root.Subcommands.Add(status);

        foreach (var action in ActionRules.Names)
        {
            root.Subcommands.Add(ActionCommand(action, output, error));
        }

        var file = new Argument<string>("FILE") { Description = "A YAML or JSON file holding the PoolMigration to check" };
        var plan = new Command("plan", "Preflight a PoolMigration against the cluster before applying it; exit 5 on a blocking finding") { file };
        plan.SetAction((parse, ct) => Guard(error, () => MigrationCommands.PlanAsync(Cluster(parse), parse.GetValue(file)!, Console(output), ct)));
        root.Subcommands.Add(plan);

        var reportName = NameArgument();
        var format = new Option<string>("--format", "-o") { Description = "markdown or json", DefaultValueFactory = _ => "markdown" };
        format.AcceptOnlyFromAmong([.. ReportFormats.Names]);
        var report = new Command("report", "The migration's report: timeline, check values per stage, rollbacks, time at each weight, final state, cleanup") { reportName, format };
        report.SetAction((parse, ct) => Guard(error, () => MigrationCommands.ReportAsync(Cluster(parse), parse.GetValue(reportName)!, parse.GetValue(format)!, output, ct)));
        root.Subcommands.Add(report);
        return root;
    }

    private static Command ActionCommand(string action, TextWriter output, TextWriter error)
    {
        var name = NameArgument();
        var wait = new Option<bool>("--wait") { Description = "Wait until the operator has handled the request" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds --wait waits before exit 1", DefaultValueFactory = _ => 60 };
        var command = new Command(action, Descriptions[action]) { name, wait, timeout };
        command.SetAction((parse, ct) => Guard(error, () => MigrationCommands.ActAsync(
            Cluster(parse), action, parse.GetValue(name)!, parse.GetValue(wait), TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(timeout))), output, ct)));
        return command;
    }

    private static readonly Dictionary<string, string> Descriptions = new()
    {
        ["approve"] = "Pass the approval gate that waits now (phase AwaitingApproval)",
        ["promote"] = "Skip to the last stage (100%); V2 is still scaled and Ready before V1 shrinks",
        ["pause"] = "Freeze the migration where it stands (annotation pooloperator.io/paused=true)",
        ["resume"] = "Lift a pause: removes the paused annotation and lifts a pause a failed or silent check caused",
        ["abort"] = "Roll back now to the state recorded before the migration began",
        ["retry"] = "Start again from the first stage after a rollback",
    };

    private static Argument<string> NameArgument() => new("NAME") { Description = "The PoolMigration's name" };

    private static ClusterOptions Cluster(ParseResult parse) =>
        new(parse.GetValue(Kubeconfig), parse.GetValue(Context), parse.GetValue(Namespace));

    private static IAnsiConsole Console(TextWriter output)
    {
        if (output == System.Console.Out && !System.Console.IsOutputRedirected)
        {
            return AnsiConsole.Console;
        }

        // Piped or captured output has no terminal width: lines stay whole for grep and scripts.
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = RedirectedWidth;
        return console;
    }

    private const int RedirectedWidth = 240;

    /// <summary>Every failure ends as one line on stderr and its exit code.</summary>
    private static async Task<int> Guard(TextWriter error, Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (PluginException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Interrupted;
        }
    }
}
