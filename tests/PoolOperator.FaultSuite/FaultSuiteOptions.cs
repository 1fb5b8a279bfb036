using System.Globalization;

namespace PoolOperator.FaultSuite;

/// <summary>
/// The size of a run and its fault schedule. <see cref="Full"/> is the suite; <see cref="Short"/> is the form CI runs
/// in a few minutes. Every random choice (fault times, kill victims, conflicting writes) comes from <see cref="Seed"/>.
/// </summary>
internal sealed record FaultSuiteOptions
{
    public required string Name { get; init; }

    public required int Seed { get; init; }

    public required IReadOnlyDictionary<PoolKind, int> Pools { get; init; }

    /// <summary>Migrations are created one after another over this span, so stages, rollbacks and faults overlap.</summary>
    public required TimeSpan CreationSpread { get; init; }

    /// <summary>The faults fall in this window, counted from the first migration's creation.</summary>
    public required TimeSpan FaultWindow { get; init; }

    public required int Kills { get; init; }

    public required int ApiServerRestarts { get; init; }

    public required TimeSpan ApiServerDowntime { get; init; }

    public required TimeSpan PrometheusOutage { get; init; }

    public required TimeSpan ConflictingWriteInterval { get; init; }

    public required TimeSpan StageDuration { get; init; }

    public required int RollbackWindowSeconds { get; init; }

    public required int ProgressDeadlineSeconds { get; init; }

    /// <summary>After the fault window: how long every migration gets to reach its outcome.</summary>
    public required TimeSpan SettleDeadline { get; init; }

    public bool KeepWorkingDirectory { get; init; }

    /// <summary>The operator each replica runs: a native executable, or an assembly run by dotnet.</summary>
    public string OperatorPath { get; init; } = Path.Combine(AppContext.BaseDirectory, "pool-operator.dll");

    public int MigrationCount => Pools.Values.Sum();

    public static FaultSuiteOptions Full(int seed) => new()
    {
        Name = "full",
        Seed = seed,
        Pools = new Dictionary<PoolKind, int>
        {
            [PoolKind.Healthy] = 7,
            [PoolKind.CrashLoop] = 3,
            [PoolKind.FailingPrometheus] = 2,
            [PoolKind.DegradingPrometheus] = 2,
            [PoolKind.NeverReady] = 3,
            [PoolKind.HangingWebhook] = 3,
        },
        CreationSpread = TimeSpan.FromSeconds(60),
        FaultWindow = TimeSpan.FromSeconds(200),
        Kills = 12,
        ApiServerRestarts = 2,
        ApiServerDowntime = TimeSpan.FromSeconds(8),
        PrometheusOutage = TimeSpan.FromSeconds(60),
        ConflictingWriteInterval = TimeSpan.FromSeconds(7),
        StageDuration = TimeSpan.FromSeconds(25),
        RollbackWindowSeconds = 10,
        ProgressDeadlineSeconds = 40,
        SettleDeadline = TimeSpan.FromMinutes(8),
    };

    public static FaultSuiteOptions Short(int seed) => new()
    {
        Name = "short",
        Seed = seed,
        Pools = new Dictionary<PoolKind, int>
        {
            [PoolKind.Healthy] = 3,
            [PoolKind.CrashLoop] = 1,
            [PoolKind.FailingPrometheus] = 1,
            [PoolKind.DegradingPrometheus] = 1,
            [PoolKind.NeverReady] = 1,
            [PoolKind.HangingWebhook] = 1,
        },
        CreationSpread = TimeSpan.FromSeconds(15),
        FaultWindow = TimeSpan.FromSeconds(70),
        Kills = 4,
        ApiServerRestarts = 1,
        ApiServerDowntime = TimeSpan.FromSeconds(5),
        PrometheusOutage = TimeSpan.FromSeconds(20),
        ConflictingWriteInterval = TimeSpan.FromSeconds(5),
        StageDuration = TimeSpan.FromSeconds(8),
        RollbackWindowSeconds = 4,
        ProgressDeadlineSeconds = 25,
        SettleDeadline = TimeSpan.FromMinutes(4),
    };

    /// <summary>Pools in creation order: the kinds interleaved, so every part of the schedule has some of each.</summary>
    public IReadOnlyList<PoolPlan> PoolPlans()
    {
        var remaining = Pools.ToDictionary(p => p.Key, p => p.Value);
        var plans = new List<PoolPlan>();
        while (remaining.Values.Any(v => v > 0))
        {
            foreach (var kind in Enum.GetValues<PoolKind>())
            {
                if (remaining.GetValueOrDefault(kind) > 0)
                {
                    remaining[kind]--;
                    plans.Add(new PoolPlan($"pool-{plans.Count:D2}-{Slug(kind)}", kind));
                }
            }
        }

        return plans;
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: seed {Seed}, {MigrationCount} migrations ({string.Join(", ", Pools.Select(p => $"{p.Value} {Slug(p.Key)}"))}), " +
        $"{Kills} operator kills, {ApiServerRestarts} apiserver restart(s) of {ApiServerDowntime.TotalSeconds:0} s, " +
        $"Prometheus down {PrometheusOutage.TotalSeconds:0} s, a conflicting write every {ConflictingWriteInterval.TotalSeconds:0} s, " +
        $"faults over {FaultWindow.TotalSeconds:0} s");

    public static string Slug(PoolKind kind) => kind switch
    {
        PoolKind.Healthy => "healthy",
        PoolKind.CrashLoop => "crashloop",
        PoolKind.FailingPrometheus => "badmetric",
        PoolKind.DegradingPrometheus => "degrades",
        PoolKind.NeverReady => "neverready",
        PoolKind.HangingWebhook => "hangwebhook",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
