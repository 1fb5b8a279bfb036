using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using PoolOperator.Benchmarks;
using PoolOperator.Benchmarks.Report;
using PoolOperator.LocalCluster;

if (args.Any(a => a is "-h" or "--help" or "help"))
{
    Console.WriteLine(BenchmarkOptions.Usage);
    return 0;
}

var root = ControlPlaneBinaries.FindRepositoryRoot();
if (root is null)
{
    await Console.Error.WriteLineAsync("Run this from the PoolOperator repository: it needs crds/ and writes docs/benchmarks.md.").ConfigureAwait(false);
    return 2;
}

var resultsPath = Path.Combine(root, "docs", "benchmarks.json");
var reportPath = Path.Combine(root, "docs", "benchmarks.md");
if (args is ["report"])
{
    MarkdownReport.Write(reportPath, ResultsFile.Load(resultsPath));
    Console.WriteLine($"Wrote {reportPath} from {resultsPath}");
    return 0;
}

var (options, error) = BenchmarkOptions.Parse(args);
if (options is null)
{
    await Console.Error.WriteLineAsync($"{error}\n\n{BenchmarkOptions.Usage}").ConfigureAwait(false);
    return 2;
}

var operatorAssembly = options.OperatorAssembly ?? RunEnvironment.DefaultOperatorAssembly;
if (!File.Exists(operatorAssembly))
{
    await Console.Error.WriteLineAsync($"{operatorAssembly} does not exist: build with `dotnet run -c Release --project tests/PoolOperator.Benchmarks`, which builds the operator too.").ConfigureAwait(false);
    return 2;
}

if (RunEnvironment.BuildConfiguration != "Release" && options.OperatorAssembly is null)
{
    Console.WriteLine($"Warning: this is a {RunEnvironment.BuildConfiguration} build, so is the operator it runs; published figures come from -c Release.");
}

// Ctrl+C and SIGTERM stop the run; every process it started is stopped on the way out.
using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);

using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
var time = TimeProvider.System;
var run = new BenchmarkRun(options, root, operatorAssembly, time, loggers);
run.Result.Date = time.GetUtcNow().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
run.Result.Machine = RunEnvironment.Machine();
run.Result.Operator = RunEnvironment.OperatorVersion(root, operatorAssembly);
run.Result.Command = "dotnet run -c Release --project tests/PoolOperator.Benchmarks -- " + string.Join(' ', args);

var loadAtStart = RunEnvironment.LoadAverage();
var exitCode = 0;
try
{
    await run.ExecuteAsync(stop.Token).ConfigureAwait(false);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.WriteLine("Stopped before the end; the figures measured so far follow and are not written to the report.");
    exitCode = 130;
}
catch (Exception e)
{
    await Console.Error.WriteLineAsync($"The run failed: {e}").ConfigureAwait(false);
    run.Result.Notes.Add($"Incomplete run: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
    exitCode = 1;
}

run.Result.Notes.Add(
    $"Load average (1 min) {loadAtStart} at the start and {RunEnvironment.LoadAverage()} at the end, on {Environment.ProcessorCount} cores: " +
    "everything else running on the machine is part of these figures.");
ConsoleTable.Print(run.Result);
if (options.WriteReport && exitCode != 130 && run.Result.Figures.Count > 0)
{
    var results = ResultsFile.Load(resultsPath);
    results.Record(run.Result);
    results.Save(resultsPath);
    MarkdownReport.Write(reportPath, results);
    Console.WriteLine($"Wrote {reportPath} and {resultsPath}");
}

return exitCode;

void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
