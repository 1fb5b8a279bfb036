using System.Globalization;
using Microsoft.Extensions.Logging;
using PoolOperator.FaultSuite;

// The fault suite: migrations healthy and failing, run by two operator replicas that are killed at random moments,
// on a control plane whose apiserver restarts, with Prometheus going away and another writer scaling the pools.
//
//   dotnet run -c Release --project tests/PoolOperator.FaultSuite               # the full suite (about 5 minutes)
//   dotnet run -c Release --project tests/PoolOperator.FaultSuite -- --short    # the form CI runs (2-3 minutes)
//   ... -- --seed 1234        replays a run: the seed fixes the fault times, the victims and the writes
//   ... -- --keep             keeps the control plane's and the operators' logs
//   ... -- --operator PATH    runs this operator: the published native executable (as the image ships it) or a
//                             pool-operator.dll; by default the operator built with the suite, under dotnet
//
// Exit code: 0 when no invariant was violated and every migration ended as its health dictates; 1 otherwise; 2 for
// a bad command line.
var isShort = false;
var keep = false;
int? seed = null;
string? operatorPath = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--short":
            isShort = true;
            break;
        case "--keep":
            keep = true;
            break;
        case "--operator" when i + 1 < args.Length:
            operatorPath = Path.GetFullPath(args[++i]);
            if (!File.Exists(operatorPath))
            {
                Console.Error.WriteLine($"--operator: {operatorPath} does not exist");
                return 2;
            }

            break;
        case "--seed" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value):
            seed = value;
            i++;
            break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: [--short] [--seed N] [--keep] [--operator PATH]");
            return 2;
    }
}

var chosenSeed = seed ?? Random.Shared.Next(1, 1_000_000);
var options = (isShort ? FaultSuiteOptions.Short(chosenSeed) : FaultSuiteOptions.Full(chosenSeed)) with { KeepWorkingDirectory = keep };
if (operatorPath is not null)
{
    options = options with { OperatorPath = operatorPath };
}

using var loggers = LoggerFactory.Create(builder => builder.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    return await new FaultRun(options, loggers, TimeProvider.System).RunAsync(stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine("interrupted");
    return 130;
}
