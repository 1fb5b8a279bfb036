using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.Runtime.Informers;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// Status is the operator's only memory: killed with SIGKILL at random moments and restarted, it must reach the
/// same outcome as an undisturbed run, enter every stage exactly once and never let ready capacity drop.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class KillTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const int Total = 4;
    private const int MinimumKills = 5;
    private const string FlagsConfigMap = "pool-flags";
    private static readonly string[] StageNames = ["shadow", "canary-5", "canary-25", "half", "full"];

    [Fact]
    public async Task AMigrationWhoseOperatorIsKilledAtRandomMomentsEndsExactlyLikeAnUndisturbedOne()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("POOLOPERATOR_TEST_SEED"), CultureInfo.InvariantCulture, out var chosen)
            ? chosen
            : Environment.TickCount;
        output.WriteLine($"seed {seed} (POOLOPERATOR_TEST_SEED={seed} replays these kill delays)");
        var random = new Random(seed);

        var calmNs = await cluster.CreateNamespaceAsync("kill-reference");
        var killedNs = await cluster.CreateNamespaceAsync("kill");
        var calm = new MigrationKit(cluster, calmNs);
        var killed = new MigrationKit(cluster, killedNs);
        await Task.WhenAll(calm.CreatePoolAsync("pool", Total), killed.CreatePoolAsync("pool", Total));

        // V1 is ready from here on: every state the watch delivers from now must hold the full capacity.
        var clock = Stopwatch.StartNew();
        await using var deployments = await WatchRecorder<V1Deployment>.StartAsync(ResourceSources.Deployments(cluster.Client), killedNs, clock);
        await using var statuses = await WatchRecorder<PoolMigration>.StartAsync(
            ResourceSources.CustomResource<PoolMigration>(cluster.Client, PoolMigration.Group, PoolMigration.Version, PoolMigration.Plural), killedNs, clock);

        await using var reference = OperatorProcess.Start(cluster.KubeconfigPath, $"Operator:Namespaces:0={calmNs}");
        var victim = OperatorProcess.Start(cluster.KubeconfigPath, $"Operator:Namespaces:0={killedNs}");
        var kills = 0;
        try
        {
            await calm.CreateAsync(FullMigration());
            await killed.CreateAsync(FullMigration());
            while (true)
            {
                // Kill only once this process has written something, so every kill interrupts real work.
                var before = (await killed.GetAsync("pool")).Metadata.ResourceVersion;
                var written = await killed.WaitForAsync("pool", m => m.Metadata.ResourceVersion != before || m.Status?.Phase == Phases.Completed,
                    TimeSpan.FromSeconds(60), "the restarted operator to write status");
                if (written.Status?.Phase == Phases.Completed)
                {
                    break;
                }

                // The random delay is the test's input (when to pull the plug), not a wait for a condition.
                var delay = TimeSpan.FromMilliseconds(random.Next(0, 1000));
                await Task.Delay(delay);
                await victim.KillAsync();
                kills++;
                var at = (await killed.GetAsync("pool")).Status;
                output.WriteLine($"kill {kills} at {clock.Elapsed.TotalSeconds:F1} s, {delay.TotalMilliseconds:F0} ms after a write: " +
                                 $"phase {at?.Phase}, stage {at?.StageName}, weight {at?.Weight}, shadow {at?.ShadowPercent}");
                if (at?.Phase == Phases.Completed)
                {
                    break;
                }

                await victim.DisposeAsync();
                victim = OperatorProcess.Start(cluster.KubeconfigPath, $"Operator:Namespaces:0={killedNs}");
            }
        }
        finally
        {
            await victim.DisposeAsync();
        }

        await calm.WaitForPhaseAsync("pool", Phases.Completed, TimeSpan.FromSeconds(90));
        var expected = await OutcomeAsync(calm);
        var actual = await OutcomeAsync(killed);
        output.WriteLine($"{kills} kills; completed at {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine($"undisturbed: {expected}");
        output.WriteLine($"killed:      {actual}");

        Assert.True(kills >= MinimumKills, $"only {kills} kills before the migration completed");
        Assert.Equal(new Outcome(Phases.Completed, 100, 0, Total, 0, Total, 100, Phases.Completed, string.Join(",", StageNames), 1), expected);
        Assert.Equal(expected, actual);

        // Milestone Events are named after run and stage, so a re-entered stage would show as a second StageStarted or a count of 2.
        var started = await StageStartedEventsAsync(killed);
        Assert.Equal(StageNames.Length, started.Count);
        Assert.All(started, e => Assert.Equal(1, e.Count));

        AssertEachStageEnteredOnce(statuses.Observations);
        AssertCapacityNeverDropped(deployments.Observations);
    }

    private static PoolMigration FullMigration()
    {
        var migration = MigrationKit.Migration("pool",
            new MigrationStage { Name = "shadow", Shadow = new ShadowSpec { Percent = 25 }, Duration = "1s" },
            new MigrationStage { Name = "canary-5", Weight = 5, Duration = "1s" },
            new MigrationStage { Name = "canary-25", Weight = 25, Duration = "1s" },
            new MigrationStage { Name = "half", Weight = 50, Duration = "1s" },
            new MigrationStage { Name = "full", Weight = 100, Duration = "1s" });
        migration.Spec.TrafficRouting = new TrafficRoutingSpec { Flags = new FlagsRouting { ConfigMap = FlagsConfigMap } };
        return migration;
    }

    private static async Task<Outcome> OutcomeAsync(MigrationKit kit)
    {
        var status = (await kit.GetAsync("pool")).Status!;
        var v1 = await kit.ReadDeploymentAsync("pool-v1");
        var v2 = await kit.ReadDeploymentAsync("pool-v2");
        var flags = await kit.Client.CoreV1.ReadNamespacedConfigMapAsync(FlagsConfigMap, kit.Namespace);
        using var rollout = JsonDocument.Parse(flags.Data["rollout.json"]);
        var stages = (await StageStartedEventsAsync(kit)).Select(e => StageOf().Match(e.Message) is { Success: true } m ? m.Groups["name"].Value : e.Message);
        return new Outcome(
            status.Phase,
            status.Weight,
            status.V1?.Replicas,
            status.V2?.Replicas,
            v1.Spec.Replicas,
            v2.Spec.Replicas,
            rollout.RootElement.GetProperty("v2Percent").GetInt32(),
            rollout.RootElement.GetProperty("phase").GetString(),
            string.Join(",", stages),
            status.Run);
    }

    /// <summary>The stage a StageStarted Event names ("Run 1: stage canary-25 started, V2 to get 25% of the traffic").</summary>
    [GeneratedRegex(@"stage (?:\d+ )?(?<name>\S+) started")]
    private static partial Regex StageOf();

    /// <summary>StageStarted Events in the order they were created.</summary>
    private static async Task<IReadOnlyList<Corev1Event>> StageStartedEventsAsync(MigrationKit kit) =>
        (await kit.EventsAsync("pool"))
            .Where(e => e.Reason == "StageStarted")
            .OrderBy(e => long.Parse(e.Metadata.ResourceVersion, CultureInfo.InvariantCulture))
            .ToList();

    /// <summary>Every persisted status: the stage index never goes back and a stage's start time, once set, never changes.</summary>
    private void AssertEachStageEnteredOnce(IReadOnlyList<WatchObservation<PoolMigration>> observations)
    {
        var entered = new Dictionary<int, DateTime>();
        var index = -1;
        foreach (var status in observations.Select(o => o.Object.Status).OfType<PoolMigrationStatus>())
        {
            Assert.Equal(1, status.Run ?? 1);
            if (status.StageIndex is not { } current || status.StageStartedAt is not { } startedAt)
            {
                continue;
            }

            Assert.True(current >= index, $"stage index went back from {index} to {current}");
            index = current;
            if (entered.TryGetValue(current, out var first))
            {
                Assert.True(first == startedAt, $"stage {current} was entered again: started {first:O}, then {startedAt:O}");
            }
            else
            {
                entered[current] = startedAt;
            }
        }

        output.WriteLine($"{observations.Count} migration versions watched; stages entered: {string.Join(", ", entered.Keys)}");
        Assert.Equal(Enumerable.Range(0, StageNames.Length), entered.Keys.Order());
    }

    /// <summary>In every state the watch delivered (etcd order), V1 ready + V2 ready was at least the total.</summary>
    private void AssertCapacityNeverDropped(IReadOnlyList<WatchObservation<V1Deployment>> observations)
    {
        var (lowest, lowestAt) = DeploymentHistory.LowestReadyCapacity(observations, "pool-v1", "pool-v2");
        output.WriteLine($"{observations.Count} Deployment versions watched; lowest ready capacity {lowest} at {lowestAt}");
        Assert.True(lowest >= Total, $"ready capacity dropped to {lowest} at {lowestAt}");
    }

    private sealed record Outcome(
        string? Phase,
        int? Weight,
        int? StatusV1Replicas,
        int? StatusV2Replicas,
        int? V1Replicas,
        int? V2Replicas,
        int FlagsV2Percent,
        string? FlagsPhase,
        string StageStarted,
        int? Run);
}
