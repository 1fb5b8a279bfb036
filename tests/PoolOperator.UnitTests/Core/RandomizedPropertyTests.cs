using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using Xunit;
using static PoolOperator.UnitTests.Core.TestMigrations;

namespace PoolOperator.UnitTests.Core;

/// <summary>
/// Random specs and random interleavings of readiness, lost pods, measurements, time steps, people's requests, spec
/// and template edits, deleted Deployments and operator crashes. The simulator checks every invariant (and a replay)
/// after every round; a failure message names the seed to reproduce it.
/// </summary>
public sealed class RandomizedPropertyTests
{
    private const int SeedsPerBatch = 25;

    public static TheoryData<int> Batches() => [0, 1, 2, 3, 4, 5, 6, 7];

    [Theory]
    [MemberData(nameof(Batches))]
    public void Random_interleavings_keep_every_invariant(int batch)
    {
        for (var seed = batch * SeedsPerBatch; seed < (batch + 1) * SeedsPerBatch; seed++)
        {
            try
            {
                RunChaos(seed, rounds: 250);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"seed {seed}: {e.Message}", e);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void A_cooperative_world_always_completes_every_random_spec(int batch)
    {
        for (var seed = batch * SeedsPerBatch; seed < (batch + 1) * SeedsPerBatch; seed++)
        {
            var random = new Random(seed);
            var (migration, v1, v2) = RandomMigration(random);
            var sim = new MigrationSimulator(migration, v1, v2);
            sim.RunUntil(s =>
            {
                s.ApproveWhenWaiting();
                return s.Phase == Phases.Completed;
            }, maxRounds: 1000, maxStep: TimeSpan.FromSeconds(random.Next(5, 60)));

            var stages = migration.Spec.Stages;
            var perStage = stages.SelectMany((stage, i) => stage.Approval == "Required" ? [$"run1-stage{i}", $"run1-stage{i}-gate"] : new[] { $"run1-stage{i}" });
            Assert.Equal([.. perStage, "run1-promoted", "run1-completed"], sim.Milestones());
            Assert.Equal(0, sim.V1.SpecReplicas);
            Assert.Equal(migration.Spec.Replicas ?? v1, sim.V2.SpecReplicas);
            Assert.Null(sim.Status.Rollback);
        }
    }

    private static void RunChaos(int seed, int rounds)
    {
        var random = new Random(seed);
        var (migration, v1, v2) = RandomMigration(random);
        var sim = new MigrationSimulator(migration, v1, v2);
        var checks = migration.Spec.Analysis?.Checks.Select(c => c.Name).ToList() ?? [];
        if (random.Next(2) == 0)
        {
            sim.Flags.Exists = true;
            sim.Flags.RolloutJson = $$"""{"v2Percent":0,"seed":{{seed}}}""";
        }

        sim.Route.Exists = random.Next(4) != 0;
        if (random.Next(3) == 0)
        {
            (sim.Route.V1Weight, sim.Route.V2Weight) = (90, 10);
        }

        for (var round = 0; round < rounds; round++)
        {
            Disturb(sim, random, checks);
            sim.Round(crashAfterStatusWrite: random.Next(25) == 0);
            switch (random.Next(4))
            {
                case 0:
                    break;
                case 1:
                    sim.Step();
                    break;
                case 2:
                    sim.Advance(TimeSpan.FromSeconds(random.Next(1, 60)));
                    break;
                default:
                    sim.Advance(TimeSpan.FromSeconds(random.Next(60, 900)));
                    break;
            }
        }
    }

    private static void Disturb(MigrationSimulator sim, Random random, List<string> checks)
    {
        bool Chance(double p) => random.NextDouble() < p;
        foreach (var pool in new[] { sim.V1, sim.V2 })
        {
            if (Chance(0.1))
            {
                pool.AutoReady = !pool.AutoReady;
            }

            if (!pool.AutoReady && Chance(0.5))
            {
                pool.MakeReady(random.Next(0, 3));
            }

            if (Chance(0.04))
            {
                pool.ReadyReplicas = random.Next(0, pool.SpecReplicas + 1);
            }

            if (Chance(0.1))
            {
                pool.LaggingController = !pool.LaggingController;
            }

            if (Chance(0.03) && pool.Autoscaler is null)
            {
                // Another writer (kubectl scale) adds replicas the operator has to take back.
                pool.Scale(pool.SpecReplicas + random.Next(1, 3));
            }

            if (Chance(0.01))
            {
                pool.Exists = false;
            }
            else if (!pool.Exists && Chance(0.3))
            {
                pool.Exists = true;
            }
        }

        if (Chance(0.02))
        {
            sim.V2.ReadyLimit = sim.V2.ReadyLimit is null ? random.Next(0, 6) : null;
        }

        foreach (var check in checks.Where(_ => Chance(0.15)))
        {
            var roll = random.Next(10);
            sim.Verdicts[check] = roll < 7 ? Verdict.Pass : roll < 9 ? Verdict.Fail : Verdict.Inconclusive;
        }

        if (Chance(0.02))
        {
            sim.V2.CrashLoopingPod = sim.V2.CrashLoopingPod is null ? "session-pool-v2-abc" : null;
        }

        if (Chance(0.03))
        {
            sim.V2.TotalRestarts++;
        }

        if (Chance(0.005))
        {
            sim.V2.TemplateHash = $"hash-{random.Next(1000)}";
        }

        if (Chance(sim.Phase == Phases.AwaitingApproval ? 0.3 : 0.02))
        {
            sim.Request(ActionAnnotations.Approve);
        }

        foreach (var (annotation, p) in new[] { (ActionAnnotations.Promote, 0.01), (ActionAnnotations.Abort, 0.01), (ActionAnnotations.Retry, 0.03), (ActionAnnotations.Resume, 0.03) })
        {
            if (Chance(p))
            {
                sim.Request(annotation);
            }
        }

        if (Chance(0.02))
        {
            if (sim.Migration.Metadata.Annotations!.ContainsKey(ActionAnnotations.Paused))
            {
                sim.RemoveAnnotation(ActionAnnotations.Paused);
            }
            else
            {
                sim.Annotate(ActionAnnotations.Paused, "true");
            }
        }

        if (Chance(0.015))
        {
            sim.ChangeSpec(spec => spec.Paused = spec.Paused != true);
        }

        if (Chance(0.008))
        {
            sim.ChangeSpec(spec => spec.Stages[random.Next(spec.Stages.Count)].Duration = $"{random.Next(0, 120)}s");
        }

        if (sim.SpecErrors.Count == 0 && Chance(0.005))
        {
            sim.SpecErrors.Add(new SpecProblem("spec.analysis.checks[0].max", "must be a number"));
            sim.ChangeSpec(_ => { });
        }
        else if (sim.SpecErrors.Count > 0 && Chance(0.2))
        {
            sim.SpecErrors.Clear();
            sim.ChangeSpec(_ => { });
        }
    }

    private static (PoolMigration Migration, int V1, int V2) RandomMigration(Random random)
    {
        T Pick<T>(params T[] values) => values[random.Next(values.Length)];
        string? Duration() => Pick<string?>(null, "0s", "20s", "1m", "2m");

        var stages = new List<MigrationStage>();
        if (random.Next(2) == 0)
        {
            stages.Add(Shadow("shadow", Pick(10, 20, 50, 100), Duration()));
        }

        var weight = 0;
        var weighted = random.Next(0, 4);
        for (var i = 0; i < weighted; i++)
        {
            weight = Pick(0, 5, 10, 25, 50, 75, 95, 100) is var w && w >= weight ? w : weight;
            stages.Add(Weight($"w{i}", weight, Duration(), approval: random.Next(5) == 0));
        }

        stages.Add(Weight("full", 100, Duration(), approval: random.Next(6) == 0));
        var v1 = random.Next(1, 13);
        var v2 = Pick(0, 0, 1, 2);
        var checks = Enumerable.Range(0, random.Next(0, 3)).Select(i => Check($"check-{i}")).ToList();
        var migration = Standard(spec =>
        {
            spec.Replicas = random.Next(3) == 0 ? random.Next(1, 13) : null;
            spec.ProgressDeadlineSeconds = Pick(60, 120, 600);
            spec.Stages = stages;
            spec.Analysis = new AnalysisSpec
            {
                Interval = Pick("10s", "30s", "1m"),
                FailureLimit = random.Next(1, 4),
                InconclusiveLimit = random.Next(1, 5),
                Checks = checks,
            };
            spec.Rollback = new RollbackSpec { Automatic = random.Next(4) != 0, ScaleDownDelaySeconds = Pick(0, 15, 60) };
            spec.Completion = new CompletionSpec { RollbackWindowSeconds = Pick(0, 60, 300) };
            if (random.Next(2) == 0)
            {
                spec.TrafficRouting!.Flags = null;
            }

            if (random.Next(2) == 0)
            {
                spec.TrafficRouting!.GatewayApi = null;
            }
        });
        return (migration, v1, v2);
    }
}
