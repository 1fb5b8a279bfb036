using System.Diagnostics;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.IntegrationTests.Operator;
using Xunit;
using Xunit.Abstractions;
using static PoolOperator.IntegrationTests.Analysis.AnalysisMigrations;

namespace PoolOperator.IntegrationTests.Analysis;

/// <summary>
/// The operator judging migrations with a real Prometheus that scrapes an exporter the test controls: healthy V2
/// completes, a bad V2 is rolled back in bounded time, and a Prometheus that is down or dead pauses or stays
/// isolated, never rolls back.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PrometheusMigrationTests(ClusterFixture cluster, PrometheusFixture prometheus, ITestOutputHelper output) : IClassFixture<PrometheusFixture>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private TestExporter Exporter => prometheus.Exporter;

    [Fact]
    public async Task Healthy_V2_completes_and_status_shows_every_checks_last_measurement()
    {
        var (kit, ns) = await PoolAsync("analysis-healthy");
        SetHealthy(ns, "pool");
        await prometheus.WaitForScrapeAsync();
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: OperatorSettings(ns));

        var started = DateTime.UtcNow;
        var timer = Stopwatch.StartNew();
        await kit.CreateAsync(Migration("pool", [ErrorRateCheck(prometheus.Address, ns, "pool"), LatencyCheck(prometheus.Address, ns, "pool")]));
        var done = await kit.WaitForPhaseAsync("pool", Phases.Completed, Generous);
        output.WriteLine($"healthy migration completed in {timer.Elapsed.TotalSeconds:0.0} s");

        var errorRate = Check(done, ErrorRate)!;
        var latency = Check(done, Latency)!;
        output.WriteLine($"{ErrorRate}: {errorRate.Verdict} {errorRate.Value} at {errorRate.MeasuredAt:O} ({errorRate.Message})");
        output.WriteLine($"{Latency}: {latency.Verdict} {latency.Value} vs {latency.Baseline} at {latency.MeasuredAt:O} ({latency.Message})");
        Assert.Equal("Pass", errorRate.Verdict);
        Assert.Equal(0.004, errorRate.Value);
        Assert.Equal("value 0.004 <= max 0.01", errorRate.Message);
        Assert.InRange(errorRate.MeasuredAt!.Value, started.AddSeconds(-1), DateTime.UtcNow);
        Assert.Equal("Pass", latency.Verdict);
        Assert.Equal(0.2485, latency.Baseline!.Value, 4);
        Assert.Equal(latency.Baseline.Value, latency.Value!.Value, 6);
        Assert.StartsWith("ratio 1 ", latency.Message, StringComparison.Ordinal);
        Assert.InRange(latency.MeasuredAt!.Value, started.AddSeconds(-1), DateTime.UtcNow);
        Assert.Equal(0, (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas);
        Assert.Equal(4, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);
        Assert.Empty(await WarningsAsync(kit, "pool", "RollbackTriggered"));
    }

    [Fact]
    public async Task Error_spike_at_the_25_percent_stage_rolls_back_within_failure_limit_intervals()
    {
        const int failureLimit = 3;
        var (kit, ns) = await PoolAsync("analysis-spike");
        SetHealthy(ns, "pool");
        await prometheus.WaitForScrapeAsync();
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: OperatorSettings(ns));
        await kit.CreateAsync(Migration("pool", [ErrorRateCheck(prometheus.Address, ns, "pool"), LatencyCheck(prometheus.Address, ns, "pool")], failureLimit, 5,
            Stage("canary-25", 25, "5m"), Stage("full", 100, "1s")));
        await kit.WaitForAsync("pool", m => SettledIn(m, "canary-25", ErrorRate, Latency) && m.Status!.Weight == 25, Generous, "canary-25 settled with passing checks");

        // failureLimit intervals is the least it can take; the bound is 3x the figure measured on a shared 2-core
        // machine (docs/benchmarks.md, "Durations the tests assert"), far below the 5 min stage and requeue.
        var bound = TimeSpan.FromSeconds(16);
        SetErrorRatio(Exporter, ns, "pool", 0.05);
        var breachedAt = DateTime.UtcNow;
        var breach = Stopwatch.StartNew();
        TimeSpan? v1Restored = null;
        var rolledBack = await kit.WaitForAsync("pool", m =>
        {
            if (v1Restored is null && m.Status?.V1 is { Replicas: 4, ReadyReplicas: 4 })
            {
                v1Restored = breach.Elapsed;
            }

            return m.Status?.Phase == Phases.RolledBack;
        }, Generous, "rolled back");
        var reverted = breach.Elapsed;
        output.WriteLine($"breach to V1 restored (4/4 ready): {v1Restored?.TotalSeconds:0.00} s; breach to RolledBack: {reverted.TotalSeconds:0.00} s; bound {bound.TotalSeconds:0} s");

        var rollback = rolledBack.Status!.Rollback!;
        output.WriteLine($"after the breach: failed measurements ending at {Since(breachedAt, rollback.Snapshot[ErrorRate].MeasuredAt)}, trigger at {Since(breachedAt, rollback.At)}, revert complete at {Since(breachedAt, rollback.CompletedAt)} (operator clock)");
        Assert.True(reverted <= bound, $"breach to RolledBack took {reverted.TotalSeconds:0.00} s, more than {bound.TotalSeconds:0} s");
        Assert.Equal(ErrorRate, rollback.Trigger);
        Assert.Equal("canary-25", rollback.FromStage);
        Assert.Equal(25, rollback.Weight);
        Assert.Equal(0.05, rollback.Snapshot[ErrorRate].Value);
        Assert.Equal("Fail", rollback.Snapshot[ErrorRate].Verdict);
        Assert.Equal(failureLimit, rollback.Snapshot[ErrorRate].ConsecutiveFailures);
        Assert.Equal("Pass", rollback.Snapshot[Latency].Verdict);
        Assert.NotNull(rollback.Snapshot[Latency].Value);
        Assert.NotNull(rollback.Snapshot[Latency].Baseline);
        Assert.Contains(BuiltInChecks.V2Ready, rollback.Snapshot.Keys);
        Assert.All(rollback.Snapshot.Values, check => Assert.NotNull(check.Value));
        Assert.Equal(4, (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas);
        Assert.Equal(0, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);
        var warning = Assert.Single(await WarningsAsync(kit, "pool", "RollbackTriggered"));
        Assert.Contains($"trigger {ErrorRate}", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Comparative_latency_check_passes_at_V1_speed_and_rolls_back_at_twice_V1()
    {
        var (kit, ns) = await PoolAsync("analysis-latency");
        SetHealthy(ns, "pool");
        await prometheus.WaitForScrapeAsync();
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: OperatorSettings(ns));
        await kit.CreateAsync(Migration("pool", [LatencyCheck(prometheus.Address, ns, "pool")], 3, 5,
            Stage("canary-25", 25, "2s"), Stage("half", 50, "5m"), Stage("full", 100, "1s")));

        // Passing the first stage on the comparative check alone is the proof that V2 at V1's latency passes.
        var passed = await kit.WaitForAsync("pool", m => SettledIn(m, "half", Latency), Generous, "stage half reached with the latency check passing");
        var similar = Check(passed, Latency)!;
        output.WriteLine($"V2 ~ V1: {similar.Verdict} ({similar.Message})");

        SetLatency(Exporter, ns, "pool", "v2", 0.4, 150);
        var slower = Stopwatch.StartNew();
        var rolledBack = await kit.WaitForPhaseAsync("pool", Phases.RolledBack, Generous);
        output.WriteLine($"V2 at 2x V1: rolled back {slower.Elapsed.TotalSeconds:0.0} s after the change");

        var rollback = rolledBack.Status!.Rollback!;
        var latency = rollback.Snapshot[Latency];
        output.WriteLine($"snapshot: {latency.Verdict} {latency.Value} vs {latency.Baseline} ({latency.Message})");
        Assert.Equal(Latency, rollback.Trigger);
        Assert.Equal("half", rollback.FromStage);
        Assert.Equal("Fail", latency.Verdict);
        Assert.Equal(2.0, latency.Value!.Value / latency.Baseline!.Value, 2);
        Assert.StartsWith("ratio 2", latency.Message, StringComparison.Ordinal);
        Assert.Equal(4, (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas);
    }

    [Fact]
    public async Task Prometheus_down_pauses_without_rollback_and_resumes_by_itself_when_it_returns()
    {
        const int inconclusiveLimit = 4;
        var (kit, ns) = await PoolAsync("analysis-outage");
        SetHealthy(ns, "pool");
        await prometheus.WaitForScrapeAsync();
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: OperatorSettings(ns));

        // The stage lasts less than the pause takes to come, so the stage's end falls inside the outage.
        await kit.CreateAsync(Migration("pool", [ErrorRateCheck(prometheus.Address, ns, "pool"), LatencyCheck(prometheus.Address, ns, "pool")], 3, inconclusiveLimit,
            Stage("canary-25", 25, "3s"), Stage("full", 100, "1s")));
        await kit.WaitForAsync("pool", m => SettledIn(m, "canary-25", ErrorRate, Latency) && m.Status!.Weight == 25, Generous, "canary-25 settled with passing checks");
        await using var history = PhaseHistory.Start(kit, "pool");
        var before = await DeploymentGenerationsAsync(kit, "pool");

        var outage = Stopwatch.StartNew();
        TimeSpan pausedAfter;
        try
        {
            await prometheus.StopAsync();
            var paused = await kit.WaitForAsync("pool", m => m.Status?.Phase == Phases.Paused, Generous, "paused");
            pausedAfter = outage.Elapsed;
            output.WriteLine($"Prometheus stopped -> Paused after {pausedAfter.TotalSeconds:0.00} s: {paused.Status!.Pause!.Message}");
            Assert.Equal(PauseReasons.Inconclusive, paused.Status.Pause.Reason);
            Assert.Equal("canary-25", paused.Status.StageName);
            Assert.Equal(25, paused.Status.Weight);

            // The open circuit that answers for the dead address is visible on the operator's own /metrics.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var metrics = await http.GetStringAsync(new Uri(instance.BaseAddress, "/metrics"));
            Assert.Contains(metrics.Split('\n'), line => line.StartsWith("resilience_polly_strategy_events", StringComparison.Ordinal)
                && line.Contains("event_name=\"OnCircuitOpened\"", StringComparison.Ordinal));

            // Several more intervals without Prometheus: still paused, still nothing reverted or advanced.
            var stillDown = await kit.WaitForAsync("pool", m => m.Status?.Analysis?.ConsecutiveInconclusive >= inconclusiveLimit + 3, Generous, "more inconclusive measurements");
            Assert.Equal(Phases.Paused, stillDown.Status!.Phase);
            Assert.Equal(before, await DeploymentGenerationsAsync(kit, "pool"));
            Assert.Equal(3, (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas);
            Assert.Equal(1, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);
        }
        finally
        {
            await prometheus.StartAsync();
        }

        var down = outage.Elapsed;
        var back = Stopwatch.StartNew();
        var resumed = await kit.WaitForAsync("pool", m => m.Status?.Phase != Phases.Paused, Generous, "resumed");
        var resumedAfter = back.Elapsed;
        await kit.WaitForPhaseAsync("pool", Phases.Completed, Generous);
        output.WriteLine($"Prometheus down for {down.TotalSeconds:0.0} s; ready again -> resumed ({resumed.Status!.Phase}) after {resumedAfter.TotalSeconds:0.00} s; -> Completed after {back.Elapsed.TotalSeconds:0.00} s");
        output.WriteLine($"phases: {history}");

        var interval = TimeSpan.FromSeconds(IntervalSeconds);
        // Not before the limit's measurements can have been taken; the upper bounds are 3x or more the figures measured
        // on a shared 2-core machine, far below the 5 min requeue.
        output.WriteLine($"bounds: paused after {(interval * (inconclusiveLimit - 1)).TotalSeconds:0}-13 s, resumed within 10 s");
        Assert.InRange(pausedAfter, interval * (inconclusiveLimit - 1), TimeSpan.FromSeconds(13));
        Assert.True(resumedAfter <= TimeSpan.FromSeconds(10), $"resumed {resumedAfter.TotalSeconds:0.00} s after Prometheus was back");
        Assert.DoesNotContain(Phases.RollingBack, history.Phases);
        Assert.DoesNotContain(Phases.RolledBack, history.Phases);
        Assert.Empty(await WarningsAsync(kit, "pool", "RollbackTriggered"));
        Assert.Single(await WarningsAsync(kit, "pool", "AnalysisInconclusive"));
        Assert.Contains(await kit.EventsAsync("pool"), e => e.Reason == "Resumed" && e.Message == "Resumed: analysis has data again");
    }

    [Fact]
    public async Task A_dead_Prometheus_does_not_slow_down_another_migration()
    {
        var (kit, ns) = await PoolAsync("analysis-isolation", "solo");
        await kit.CreatePoolAsync("healthy", 4);
        await kit.CreatePoolAsync("stuck", 4);
        SetHealthy(ns, "solo");
        SetHealthy(ns, "healthy");
        await prometheus.WaitForScrapeAsync();
        await using var blackHole = BlackHoleServer.Start();
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: OperatorSettings(ns));

        var alone = await TimeToCompleteAsync(kit, ns, "solo");

        await kit.CreateAsync(Migration("stuck", [ErrorRateCheck(blackHole.Address, ns, "stuck")]));
        await cluster.WaitForAsync(() => Task.FromResult(blackHole.Accepted > 0), Generous, "the stuck migration's first query hangs in the black hole");
        var together = await TimeToCompleteAsync(kit, ns, "healthy");

        output.WriteLine($"healthy migration alone: {alone.TotalSeconds:0.0} s; next to one querying a black hole: {together.TotalSeconds:0.0} s");
        Assert.True(together <= alone * 1.5 + TimeSpan.FromSeconds(5), $"with a dead Prometheus next door the healthy migration took {together.TotalSeconds:0.0} s instead of {alone.TotalSeconds:0.0} s");

        // The stuck migration's own measurement ends only when its budget (10 s by default) runs out.
        var stuck = await kit.WaitForAsync("stuck", m => Check(m, ErrorRate) is not null, Generous, "the stuck migration's first measurement");
        output.WriteLine($"stuck migration: {stuck.Status!.Phase}, {Check(stuck, ErrorRate)!.Verdict}: {Check(stuck, ErrorRate)!.Message}");
        Assert.Equal("Inconclusive", Check(stuck, ErrorRate)!.Verdict);
        Assert.Equal("canary-25", stuck.Status.StageName);
        Assert.DoesNotContain(stuck.Status.Phase, new[] { Phases.Completed, Phases.RollingBack, Phases.RolledBack });
    }

    private static string Since(DateTime start, DateTime? at) => at is { } time ? $"{(time - start).TotalSeconds:0.00} s" : "-";

    private async Task<TimeSpan> TimeToCompleteAsync(MigrationKit kit, string ns, string pool)
    {
        var timer = Stopwatch.StartNew();
        await kit.CreateAsync(Migration(pool, [ErrorRateCheck(prometheus.Address, ns, pool), LatencyCheck(prometheus.Address, ns, pool)]));
        await kit.WaitForPhaseAsync(pool, Phases.Completed, Generous);
        return timer.Elapsed;
    }

    private async Task<(MigrationKit Kit, string Namespace)> PoolAsync(string prefix, string pool = "pool")
    {
        var ns = await cluster.CreateNamespaceAsync(prefix);
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync(pool, 4);
        return (kit, ns);
    }

    /// <summary>V2 fails 0.4% of requests and answers as fast as V1.</summary>
    private void SetHealthy(string ns, string pool)
    {
        SetErrorRatio(Exporter, ns, pool, 0.004);
        SetLatency(Exporter, ns, pool, "v1", 0.2, 100);
        SetLatency(Exporter, ns, pool, "v2", 0.2, 150);
    }
}
