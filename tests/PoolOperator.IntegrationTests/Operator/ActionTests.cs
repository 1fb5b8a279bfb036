using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>The actions of docs/actions.md, taken the way the document tells a person to take them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ActionTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const int Total = 4;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ApprovePassesExactlyTheWaitingGateAndAnEarlyApprovalIsIgnored()
    {
        var (kit, kubectl, instance) = await StartAsync("approve");
        await using var running = instance;
        await kit.CreateAsync(MigrationKit.Migration("pool",
            Stages.Weighted("canary-5", 5, "5s"),
            Stages.Weighted("canary-25", 25, approval: true),
            Stages.Weighted("half", 50, approval: true),
            Stages.Weighted("full", 100)));

        // An approval given before any gate waits is consumed and reported, and approves nothing later.
        await kit.WaitForAsync("pool", m => m.Status is { Phase: Phases.Progressing, StageName: "canary-5" }, Timeout, "at canary-5");
        await kubectl.RunCheckedAsync("annotate", "pm/pool", $"{ActionAnnotations.Approve}=early", "--overwrite");
        var consumed = await kit.WaitForAsync("pool", m => m.Status?.HandledActions?.Approve == "early", Timeout, "the early approval handled");
        Assert.NotEqual(Phases.AwaitingApproval, consumed.Status!.Phase);
        var ignored = await kit.WaitForEventAsync("pool", "ActionIgnored", e => e.Message.StartsWith("approve ignored", StringComparison.Ordinal));
        output.WriteLine($"ActionIgnored: {ignored.Message}");

        await kit.WaitForAsync("pool", m => m.Status is { Phase: Phases.AwaitingApproval, StageName: "canary-25" }, Timeout, "the canary-25 gate");
        await HoldAtGateAsync(kit, "canary-25");

        // The documented command passes this gate, and only this one: the token left in place does not pass the next.
        await kubectl.RunCheckedAsync("annotate", "pm/pool", $"{ActionAnnotations.Approve}=gate-1", "--overwrite");
        var next = await kit.WaitForAsync("pool", m => m.Status is { Phase: Phases.AwaitingApproval, StageName: "half" }, Timeout, "the half gate");
        Assert.Equal("gate-1", next.Status!.HandledActions?.Approve);
        Assert.Equal(50, next.Status.Weight);
        await HoldAtGateAsync(kit, "half");

        await kubectl.RunCheckedAsync("annotate", "pm/pool", $"{ActionAnnotations.Approve}=gate-2", "--overwrite");
        var completed = await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
        Assert.Equal("gate-2", completed.Status!.HandledActions?.Approve);
        var approved = (await kit.EventsAsync("pool")).Where(e => e.Reason == "Approved").Select(e => e.Message).ToList();
        Assert.Equal(["Stage canary-25 approved", "Stage half approved"], approved.Order().ToList());
    }

    [Fact]
    public async Task PromoteSkipsToTheLastStageWithV2ReadyBeforeV1Shrinks()
    {
        var (kit, _, instance) = await StartAsync("promote");
        await using var running = instance;
        var migration = MigrationKit.Migration("pool", Stages.Weighted("canary-25", 25, "10m"), Stages.Weighted("full", 100));
        migration.Spec.Completion = new CompletionSpec { RollbackWindowSeconds = 2 };
        await kit.CreateAsync(migration);
        await kit.WaitForAsync("pool", m => m.Status is { StageName: "canary-25", Weight: 25, StageReadyAt: not null }, Timeout, "canary-25 with its capacity");

        IReadOnlyList<PoolSample> samples;
        PoolMigration completed;
        await using (var sampler = PoolSampler.Start(kit, "pool"))
        {
            await kit.AnnotateAsync("pool", ActionAnnotations.Promote, "promote-1");
            completed = await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
            await cluster.WaitForAsync(() => Task.FromResult(sampler.Samples.Any(s => s.V1Replicas == 0)), Timeout, "a sample of V1 scaled to 0");
            samples = sampler.Samples;
        }

        Assert.Equal("promote-1", completed.Status!.HandledActions?.Promote);
        Assert.Equal("full", completed.Status.StageName);
        await kit.WaitForEventAsync("pool", "Promoted");

        // Each sample reads the migration, then V1, then V2: a shrink of V1, or 100% of the traffic, seen before
        // V2 was read while V2 was not yet fully ready would prove V1 shrank (or traffic moved) first.
        var shrunk = samples.Where(s => s.V1Replicas < Total - 1).ToList();
        var grownFirst = samples.Where(s => s.V2Replicas == Total && s.V1Replicas == Total - 1).ToList();
        var growing = samples.Where(s => s.V2Replicas == Total && s.V2Ready < Total).ToList();
        output.WriteLine($"{samples.Count} samples: {grownFirst.Count} with V2 at {Total} and V1 still at {Total - 1} " +
                         $"({growing.Count} of them with V2 not yet ready), {shrunk.Count} after V1 started shrinking");
        Assert.NotEmpty(grownFirst);
        Assert.NotEmpty(shrunk);
        Assert.All(shrunk, s => Assert.True(s.V2Ready >= Total, $"V1 at {s.V1Replicas} while V2 only {s.V2Ready}/{s.V2Replicas} ready"));
        Assert.All(samples.Where(s => s.Migration?.Status?.Weight == 100), s =>
            Assert.True(s.V2Ready >= Total, $"100% of the traffic on V2 while only {s.V2Ready}/{s.V2Replicas} ready"));
        Assert.Equal(0, (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas);
    }

    [Fact]
    public async Task ThePausedAnnotationFreezesTheMigrationAndRemovingItResumes()
    {
        var (kit, kubectl, instance) = await StartAsync("pause-annotation");
        await using var running = instance;
        await kit.CreateAsync(MigrationKit.Migration("pool", Stages.Weighted("canary-25", 25, "3s"), Stages.Weighted("half", 50, "3s"), Stages.Weighted("full", 100)));
        await kit.WaitForAsync("pool", m => m.Status is { StageName: "canary-25", Weight: 25 }, Timeout, "canary-25 at 25%");

        await kubectl.RunCheckedAsync("annotate", "pm/pool", $"{ActionAnnotations.Paused}=true", "--overwrite");
        var paused = await kit.WaitForPhaseAsync("pool", Phases.Paused, Timeout);
        Assert.Equal(PauseReasons.Annotation, paused.Status!.Pause?.Reason);
        await HoldFrozenAsync(kit, paused);

        await kubectl.RunCheckedAsync("annotate", "pm/pool", $"{ActionAnnotations.Paused}-", $"{ActionAnnotations.Resume}=resume-1", "--overwrite");
        var completed = await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
        Assert.Equal(1, completed.Status!.Run);
        var events = await kit.EventsAsync("pool");
        Assert.Contains(events, e => e.Reason == "Paused");
        Assert.Contains(events, e => e.Reason == "Resumed");
        // The documented resume command lifts the pause; nothing in it is reported as ignored.
        Assert.Empty(events.Where(e => e.Reason == "ActionIgnored").Select(e => e.Message));
        Assert.Equal("resume-1", completed.Status.HandledActions?.Resume);
    }

    [Fact]
    public async Task SpecPausedFreezesTheMigrationWhereItStandsAndUnpausingResumes()
    {
        var (kit, _, instance) = await StartAsync("pause-spec");
        await using var running = instance;
        await kit.CreateAsync(MigrationKit.Migration("pool", Stages.Weighted("canary-25", 25, "2s"), Stages.Weighted("half", 50, "3s"), Stages.Weighted("full", 100)));
        var atHalf = await kit.WaitForAsync("pool", m => m.Status is { StageName: "half", Weight: 50 }, Timeout, "half at 50%");

        await kit.PatchSpecAsync("pool", new { paused = true });
        var paused = await kit.WaitForAsync("pool", m => m.Status?.ObservedGeneration == 2 && m.Status.Phase == Phases.Paused, Timeout, "paused by spec.paused");
        Assert.Equal(PauseReasons.Spec, paused.Status!.Pause?.Reason);
        // Freezing is not restarting: the same run, at the same stage and weight.
        Assert.Equal(atHalf.Status!.Run, paused.Status.Run);
        Assert.Equal("half", paused.Status.StageName);
        Assert.Equal(50, paused.Status.Weight);
        await HoldFrozenAsync(kit, paused);

        await kit.PatchSpecAsync("pool", new { paused = false });
        var completed = await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
        Assert.Equal(atHalf.Status.Run, completed.Status!.Run);
        Assert.Equal(3, completed.Status.ObservedGeneration);
    }

    [Fact]
    public async Task AbortRollsBackNowAndRetryStartsOverWithoutReplayingTheAbort()
    {
        var (kit, kubectl, instance) = await StartAsync("abort-retry");
        await using var running = instance;
        await kit.CreateAsync(MigrationKit.Migration("pool", Stages.Weighted("canary-25", 25, "8s"), Stages.Weighted("full", 100)));
        await kit.WaitForAsync("pool", m => m.Status is { StageName: "canary-25", Weight: 25, StageReadyAt: not null }, Timeout, "canary-25 with its capacity");

        await kubectl.RunCheckedAsync("annotate", "pm/pool", $"{ActionAnnotations.Abort}=abort-1", "--overwrite");
        var rolledBack = await kit.WaitForPhaseAsync("pool", Phases.RolledBack, Timeout);
        Assert.Equal("abort", rolledBack.Status!.Rollback?.Trigger);
        Assert.Equal("canary-25", rolledBack.Status.Rollback?.FromStage);
        Assert.Equal("abort-1", rolledBack.Status.HandledActions?.Abort);
        Assert.Equal(Total, (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas);
        Assert.Equal(0, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);

        // The retry starts a second run; the abort token still on the object must not abort it again.
        await kit.AnnotateAsync("pool", ActionAnnotations.Retry, "retry-1");
        var second = await kit.WaitForAsync("pool", m => m.Status?.Run == rolledBack.Status.Run + 1, Timeout, "a second run");
        Assert.Equal("retry-1", second.Status!.HandledActions?.Retry);
        var completed = await kit.WaitForAsync("pool", m => m.Status?.Phase is Phases.Completed or Phases.RollingBack or Phases.RolledBack, Timeout, "the second run ends");
        Assert.Equal(Phases.Completed, completed.Status!.Phase);
        Assert.Null(completed.Status.Rollback);
        var annotations = completed.Metadata.Annotations;
        Assert.Equal("abort-1", annotations[ActionAnnotations.Abort]);
        Assert.Equal("retry-1", annotations[ActionAnnotations.Retry]);
        var rollbacks = (await kit.EventsAsync("pool")).Count(e => e.Reason == "RollbackTriggered");
        Assert.Equal(1, rollbacks);
    }

    private async Task<(MigrationKit Kit, Kubectl Kubectl, OperatorInstance Instance)> StartAsync(string prefix)
    {
        var ns = await cluster.CreateNamespaceAsync(prefix);
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", Total);
        var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");
        return (kit, new Kubectl(cluster, ns), instance);
    }

    /// <summary>Several analysis intervals at the gate: it stays there.</summary>
    private static Task HoldAtGateAsync(MigrationKit kit, string stage) =>
        Hold.ForAsync(TimeSpan.FromSeconds(3), async () =>
        {
            var now = await kit.GetAsync("pool");
            return now.Status is { Phase: Phases.AwaitingApproval } && now.Status.StageName == stage
                ? null
                : $"phase {now.Status?.Phase} at stage {now.Status?.StageName}";
        }, $"waiting at the {stage} gate");

    /// <summary>Longer than the stage's duration, several analysis intervals: weight, stage and replicas stay where they were.</summary>
    private static async Task HoldFrozenAsync(MigrationKit kit, PoolMigration paused)
    {
        var v1 = (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas;
        var v2 = (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas;
        await Hold.ForAsync(TimeSpan.FromSeconds(5), async () =>
        {
            var now = await kit.GetAsync("pool");
            var nowV1 = (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas;
            var nowV2 = (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas;
            return now.Status?.Phase == Phases.Paused && now.Status.Weight == paused.Status!.Weight && now.Status.StageName == paused.Status.StageName
                   && now.Status.Run == paused.Status.Run && nowV1 == v1 && nowV2 == v2
                ? null
                : $"phase {now.Status?.Phase}, stage {now.Status?.StageName}, weight {now.Status?.Weight}, run {now.Status?.Run}, V1 {nowV1}, V2 {nowV2}";
        }, "frozen while paused");
    }
}
