using System.Globalization;

namespace PoolOperator.Benchmarks;

/// <summary>The command line: which scenarios, at what scale, and where the figures go.</summary>
internal sealed record BenchmarkOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/PoolOperator.Benchmarks -- <scenario> [options]

        Scenarios: all (default) | floor | peer | idle | latency | restart | transition | convergence | memory
                   | analysis | hostile | breach,
                   or several joined by commas (idle,restart)
                   report: only rewrite docs/benchmarks.md from docs/benchmarks.json

        Options:
          --migrations N       migrations per set (default 100)
          --quick              shorter settling and a 2-minute analysis window (a 100-migration run takes minutes)
          --label NAME         the report column to add or update (default "current"; the baseline is "before")
          --unrelated-pods N   pods created in another namespace for the memory scenario (default 5000)
          --hostile M          migrations facing hostile metric providers in the hostile scenario (default: N)
          --operator PATH      the pool-operator.dll, or the native pool-operator executable, to run (default: the Release build of operator/PoolOperator)
          --keep               keep the control plane's directory (audit log, component and operator logs)
          --no-report          print the figures only; leave docs/benchmarks.md and docs/benchmarks.json alone
        """;

    public static readonly IReadOnlyList<string> Scenarios = ["floor", "peer", "idle", "latency", "restart", "transition", "convergence", "memory", "analysis", "hostile", "breach"];

    public required IReadOnlySet<string> Selected { get; init; }

    public int Migrations { get; init; } = 100;

    public bool Quick { get; init; }

    public string Label { get; init; } = "current";

    public int UnrelatedPods { get; init; } = 5000;

    /// <summary>Migrations of the hostile scenario that face misbehaving providers; null: as many as <see cref="Migrations"/>.</summary>
    public int? Hostile { get; init; }

    public int HostileMigrations => Hostile ?? Migrations;

    public string? OperatorAssembly { get; init; }

    public bool Keep { get; init; }

    public bool WriteReport { get; init; } = true;

    public TimeSpan IdleWindow => TimeSpan.FromSeconds(60);

    public TimeSpan Settle => Quick ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(20);

    public TimeSpan PodsSettle => Quick ? TimeSpan.FromSeconds(15) : TimeSpan.FromSeconds(30);

    public TimeSpan AnalysisWindow => Quick ? TimeSpan.FromMinutes(2) : TimeSpan.FromMinutes(5);

    public int FloorSamples => 200;

    /// <summary>Sequential changes timed by the latency and peer scenarios.</summary>
    public int LatencySamples => 100;

    /// <summary>How many objects those changes cycle over (each is changed back and forth).</summary>
    public int LatencyObjects => Math.Min(Migrations, 50);

    public bool Runs(string scenario) => Selected.Contains(scenario);

    /// <summary>Parses the arguments; null with a message when they make no sense.</summary>
    public static (BenchmarkOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var scenario = "all";
        int migrations = 100, pods = 5000;
        int? hostile = null;
        bool quick = false, keep = false, report = true;
        string label = "current";
        string? operatorAssembly = null;
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--migrations": migrations = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--quick": quick = true; break;
                    case "--label": label = Next(); break;
                    case "--unrelated-pods": pods = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--hostile": hostile = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--operator": operatorAssembly = Path.GetFullPath(Next()); break;
                    case "--keep": keep = true; break;
                    case "--no-report": report = false; break;
                    case var s when !s.StartsWith('-') && i == 0: scenario = s; break;
                    default: return (null, $"unknown argument '{args[i]}'");
                }
            }
            catch (FormatException e)
            {
                return (null, e.Message);
            }
        }

        var selected = scenario == "all" ? Scenarios.ToHashSet() : scenario.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        if (selected.FirstOrDefault(s => !Scenarios.Contains(s)) is { } unknown)
        {
            return (null, $"unknown scenario '{unknown}'");
        }

        if (migrations < 1 || pods < 0 || hostile < 1 || string.IsNullOrWhiteSpace(label))
        {
            return (null, "--migrations and --hostile must be at least 1, --unrelated-pods at least 0, --label not empty");
        }

        return (new BenchmarkOptions
        {
            Selected = selected,
            Migrations = migrations,
            Quick = quick,
            Label = label,
            UnrelatedPods = pods,
            Hostile = hostile,
            OperatorAssembly = operatorAssembly,
            Keep = keep,
            WriteReport = report,
        }, null);
    }
}
