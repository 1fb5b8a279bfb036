using k8s.Models;
using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Validation;
using Xunit;

namespace PoolOperator.UnitTests.Core;

/// <summary>When a stage whose duration has elapsed may advance, depending on its checks' latest measurements.</summary>
public sealed class StageAdvanceOnAnalysisTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Stage_advances_when_every_check_passed_in_the_stage_and_passes_now()
    {
        var decision = Decide(Check(Verdict.Pass, passedInStage: true));

        Assert.Equal(1, decision.Status.StageIndex);
    }

    [Fact]
    public void Stage_holds_when_a_check_that_passed_earlier_is_inconclusive_now()
    {
        var decision = Decide(Check(Verdict.Inconclusive, passedInStage: true));

        Assert.Equal(0, decision.Status.StageIndex);
        Assert.Equal(25, decision.Status.Weight);
        Assert.Equal(Phases.Progressing, decision.Status.Phase);
        Assert.DoesNotContain(decision.Actions, a => a is ScaleDeployment);
    }

    [Fact]
    public void Stage_holds_when_a_check_never_passed_in_the_stage()
    {
        var decision = Decide(Check(Verdict.Inconclusive, passedInStage: false));

        Assert.Equal(0, decision.Status.StageIndex);
    }

    [Fact]
    public void Stage_advances_once_the_quiet_check_passes_again()
    {
        var held = Decide(Check(Verdict.Inconclusive, passedInStage: true));
        var migration = Migration(held.Status);
        var later = Now.AddSeconds(1);

        var decision = MigrationDecider.Decide(Input(migration, [new Measurement("error-rate", Verdict.Pass, 0.001, null, "value 0.001 <= max 0.01", later)], later, nextAnalysisAt: null));

        Assert.Equal(1, decision.Status.StageIndex);
    }

    private static CheckStatus Check(Verdict verdict, bool passedInStage) => new()
    {
        Name = "error-rate",
        Verdict = verdict.ToString(),
        Value = verdict == Verdict.Pass ? 0.001 : null,
        Message = verdict == Verdict.Pass ? "value 0.001 <= max 0.01" : "circuit open for http://prometheus:9090",
        MeasuredAt = Now.UtcDateTime,
        ConsecutiveInconclusive = verdict == Verdict.Inconclusive ? 1 : 0,
        PassedInStage = passedInStage,
    };

    /// <summary>Stage canary-25 (3 s) has been ready for 10 s; the checks are measured next in a second, so this round measures nothing.</summary>
    private static MigrationDecision Decide(CheckStatus check)
    {
        var status = new PoolMigrationStatus
        {
            ObservedGeneration = 1,
            Phase = Phases.Progressing,
            Run = 1,
            StageIndex = 0,
            StageName = "canary-25",
            StageStartedAt = Now.AddSeconds(-20).UtcDateTime,
            StageReadyAt = Now.AddSeconds(-10).UtcDateTime,
            Weight = 25,
            ShadowPercent = 0,
            Original = new OriginalState
            {
                RecordedAt = Now.AddMinutes(-1).UtcDateTime,
                Replicas = 4,
                V1 = new OriginalDeployment { Deployment = "pool-v1", Replicas = 4 },
                V2 = new OriginalDeployment { Deployment = "pool-v2", Replicas = 0 },
            },
            HandledActions = new HandledActions(),
            Analysis = new AnalysisStatus
            {
                LastRunAt = Now.UtcDateTime,
                Checks =
                [
                    check,
                    new CheckStatus { Name = BuiltInChecks.V2Ready, Verdict = nameof(Verdict.Pass), Value = 1, Baseline = 1, MeasuredAt = Now.UtcDateTime, PassedInStage = true },
                    new CheckStatus { Name = BuiltInChecks.V2Restarts, Verdict = nameof(Verdict.Pass), Value = 0, MeasuredAt = Now.UtcDateTime, PassedInStage = true },
                ],
            },
        };
        return MigrationDecider.Decide(Input(Migration(status), [], Now, nextAnalysisAt: Now.AddSeconds(1)));
    }

    private static PoolMigration Migration(PoolMigrationStatus status) => new()
    {
        Metadata = new V1ObjectMeta { Name = "pool", NamespaceProperty = "shop", Generation = 1 },
        Spec = new PoolMigrationSpec
        {
            V1 = new PoolReference { Deployment = "pool-v1" },
            V2 = new PoolReference { Deployment = "pool-v2" },
            Stages =
            [
                new MigrationStage { Name = "canary-25", Weight = 25, Duration = "3s" },
                new MigrationStage { Name = "full", Weight = 100, Duration = "1s" },
            ],
            Analysis = new AnalysisSpec
            {
                Interval = "1s",
                Checks = [new AnalysisCheck { Name = "error-rate", Prometheus = new PrometheusCheck { Query = "x" }, Max = 0.01 }],
            },
        },
        Status = status,
    };

    private static MigrationInput Input(PoolMigration migration, IReadOnlyList<Measurement> measurements, DateTimeOffset now, DateTimeOffset? nextAnalysisAt) => new(
        migration,
        new DeploymentObservation("pool-v1", 3, 3, null, 0, null),
        new DeploymentObservation("pool-v2", 1, 1, null, 0, null),
        Array.Empty<ValidationError>(),
        measurements,
        now,
        nextAnalysisAt);
}
