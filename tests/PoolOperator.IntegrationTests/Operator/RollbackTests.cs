using k8s;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.LocalCluster;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>Rollback is a revert: a crash-looping V2 puts everything back as it was and the migration waits for a person.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RollbackTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const int Total = 4;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ACrashLoopingV2AtTheQuarterStageIsRevertedAndStaysRolledBackUntilRetried()
    {
        const int drainSeconds = 4;
        var ns = await cluster.CreateNamespaceAsync("rollback-revert");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", Total);
        await using var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");
        var migration = MigrationKit.Migration("pool", Stages.Weighted("canary-25", 25, "10s"), Stages.Weighted("full", 100));
        migration.Spec.Rollback = new RollbackSpec { ScaleDownDelaySeconds = drainSeconds };
        await kit.CreateAsync(migration);

        var atQuarter = await WaitAtQuarterAsync(kit);
        var original = KubernetesJson.Serialize(atQuarter.Status!.Original);
        Assert.Equal(Total, atQuarter.Status.Original!.V1.Replicas);
        Assert.Equal(0, atQuarter.Status.Original.V2.Replicas);

        PoolMigration rolledBack;
        IReadOnlyList<PoolSample> samples;
        DateTimeOffset crashedAt;
        await using (var sampler = PoolSampler.Start(kit, "pool"))
        {
            crashedAt = DateTimeOffset.UtcNow;
            cluster.Kubelet!.SetBehaviour(ns, "pool-v2", PodBehaviour.CrashLoop);
            rolledBack = await kit.WaitForPhaseAsync("pool", Phases.RolledBack, Timeout);
            await cluster.WaitForAsync(() => Task.FromResult(sampler.Samples.Any(s => s.Started > crashedAt && s.V2Replicas == 0)), Timeout, "a sample of V2 scaled back to 0");
            samples = sampler.Samples;
        }

        // What was recorded: the trigger, where it fired and every check's last value.
        var rollback = rolledBack.Status!.Rollback!;
        output.WriteLine($"rollback: trigger {rollback.Trigger}, from {rollback.FromStage} at weight {rollback.Weight}, at {rollback.At:O}: {rollback.Reason}");
        output.WriteLine($"snapshot: {string.Join("; ", rollback.Snapshot.Select(s => $"{s.Key}={s.Value.Verdict} {s.Value.Value} ({s.Value.Message})"))}");
        Assert.Contains(rollback.Trigger, new[] { BuiltInChecks.V2Restarts, BuiltInChecks.ProgressDeadline });
        Assert.False(string.IsNullOrWhiteSpace(rollback.Reason));
        Assert.NotNull(rollback.At);
        Assert.Equal("canary-25", rollback.FromStage);
        Assert.Equal(25, rollback.Weight);
        Assert.NotEmpty(rollback.Snapshot);
        Assert.Contains(rollback.Trigger, rollback.Snapshot.Keys);
        Assert.True(ConditionWriter.IsTrue(rolledBack.Status, ConditionTypes.RolledBack), "condition RolledBack is True");
        Assert.Equal(original, KubernetesJson.Serialize(rolledBack.Status.Original));

        // Both Deployments are back at their original replicas.
        var v1 = await kit.ReadDeploymentAsync("pool-v1");
        var v2 = await kit.ReadDeploymentAsync("pool-v2");
        Assert.Equal(Total, v1.Spec.Replicas);
        Assert.Equal(Total, v1.Status.ReadyReplicas);
        Assert.Equal(0, v2.Spec.Replicas);

        await kit.WaitForEventAsync("pool", "RolledBack");
        var warnings = (await kit.EventsAsync("pool")).Where(e => e.Type == "Warning").Select(e => e.Reason).ToList();
        Assert.Contains("RollbackTriggered", warnings);
        Assert.Contains("RolledBack", warnings);

        // How long a user waits from the first crash until V1 serves everything again.
        var firstCrash = samples.FirstOrDefault(s => s.V2CrashLooping);
        var v1Restored = samples.First(s => s.Started > crashedAt && s.V1Replicas == Total && s.V1Ready == Total);
        output.WriteLine($"switched V2 to crash-loop at {crashedAt:O}; first CrashLoopBackOff seen at {firstCrash?.Done:O}");
        output.WriteLine($"V1 restored to {Total}/{Total} ready: {(v1Restored.Done - crashedAt).TotalMilliseconds:0} ms after the switch, " +
                         $"{(firstCrash is null ? "n/a" : $"{(v1Restored.Done - firstCrash.Done).TotalMilliseconds:0} ms")} after the first CrashLoopBackOff was seen " +
                         $"(sampled every ~{AverageSpacing(samples):0} ms)");
        var triggeredAt = new DateTimeOffset(DateTime.SpecifyKind(rollback.At!.Value, DateTimeKind.Utc));
        output.WriteLine($"of which: trigger fired {(triggeredAt - crashedAt).TotalMilliseconds:0} ms after the switch (failureLimit 3, interval 1s), " +
                         $"V1 ready at {Total} {(v1Restored.Done - triggeredAt).TotalMilliseconds:0} ms after the trigger");
        Assert.NotNull(firstCrash);

        // V2 keeps its pods while in-flight work drains: no change to its replicas until the delay after rollback.at passed.
        var drainEnds = new DateTimeOffset(DateTime.SpecifyKind(rollback.At!.Value, DateTimeKind.Utc)) + TimeSpan.FromSeconds(drainSeconds);
        var beforeDrainEnds = samples.Where(s => s.Started > crashedAt && s.V2ReadDone < drainEnds).ToList();
        Assert.NotEmpty(beforeDrainEnds);
        Assert.All(beforeDrainEnds, s => Assert.Equal(1, s.V2Replicas));
        var v2ScaledDown = samples.First(s => s.Started > crashedAt && s.V2Replicas == 0);
        var rollbackAt = drainEnds - TimeSpan.FromSeconds(drainSeconds);
        output.WriteLine($"V2 scale-down first seen {(v2ScaledDown.V2ReadDone - rollbackAt).TotalMilliseconds:0} ms after rollback.at " +
                         $"(scaleDownDelaySeconds {drainSeconds}); the {beforeDrainEnds.Count} samples read before the delay ended all show 1 replica, " +
                         $"the last {(drainEnds - beforeDrainEnds[^1].V2ReadDone).TotalMilliseconds:0} ms before it");
        // Sampled every ~0.15 s on a shared machine: a sample within 1.5 s of the end shows V2 kept its pods for most of the delay.
        Assert.True(drainEnds - beforeDrainEnds[^1].V2ReadDone < TimeSpan.FromSeconds(1.5), "a sample within 1.5 s of the end of the drain delay");

        // It never moves forward on its own: several analysis intervals later nothing has changed.
        var versions = await Hold.SettledDeploymentVersionsAsync(kit, "pool-v1", "pool-v2");
        await Hold.ForAsync(TimeSpan.FromSeconds(4), async () =>
        {
            var now = await kit.GetAsync("pool");
            if (now.Status?.Phase != Phases.RolledBack || now.Status.Run != rolledBack.Status.Run || now.Status.Weight != 0)
            {
                return $"phase {now.Status?.Phase}, run {now.Status?.Run}, weight {now.Status?.Weight}";
            }

            return await Hold.DeploymentsChangedAsync(kit, versions);
        }, "RolledBack with untouched Deployments");

        // Retry with V2 fixed: runs again from the first stage and completes; the original state is kept.
        cluster.Kubelet.SetBehaviour(ns, "pool-v2", PodBehaviour.Ready);
        await kit.AnnotateAsync("pool", ActionAnnotations.Retry, "retry-1");
        var retried = await kit.WaitForAsync("pool", m => m.Status?.Run == rolledBack.Status.Run + 1, Timeout, "a second run");
        Assert.Equal("retry-1", retried.Status!.HandledActions?.Retry);
        Assert.True(retried.Status.StageIndex == 0 || retried.Status.Phase == Phases.Completed, $"second run starts at stage 0, is at {retried.Status.StageIndex}");
        var completed = await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
        Assert.Equal(original, KubernetesJson.Serialize(completed.Status!.Original));
        Assert.Null(completed.Status.Rollback);
        Assert.Equal(0, (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas);
        Assert.Equal(Total, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);
        await kit.WaitForEventAsync("pool", "StageStarted", e => e.Message.StartsWith($"Run {completed.Status.Run}: stage canary-25 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithAutomaticRollbackOffATriggerPausesAndResumeContinuesOnceV2IsFixed()
    {
        var (kit, ns, instance) = await PauseOnTriggerAsync("trigger-pause-resume");
        await using (instance)
        {
            // Fixing V2 alone does not move it on: a trigger pause is lifted by a person.
            cluster.Kubelet!.SetBehaviour(ns, "pool-v2", PodBehaviour.Ready);
            await cluster.WaitForAsync(async () => (await kit.ReadDeploymentAsync("pool-v2")).Status?.ReadyReplicas == 1, Timeout, "V2 ready again");
            await Hold.ForAsync(TimeSpan.FromSeconds(3), async () =>
            {
                var now = await kit.GetAsync("pool");
                return now.Status?.Phase == Phases.Paused && now.Status.StageName == "canary-25" && now.Status.Weight == 25
                    ? null
                    : $"phase {now.Status?.Phase}, stage {now.Status?.StageName}, weight {now.Status?.Weight}";
            }, "paused by the trigger");

            await kit.AnnotateAsync("pool", ActionAnnotations.Resume, "resume-1");
            var completed = await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
            Assert.Equal("resume-1", completed.Status!.HandledActions?.Resume);
            Assert.Null(completed.Status.Rollback);
            Assert.Equal(1, completed.Status.Run);
            await kit.WaitForEventAsync("pool", "Resumed");
            Assert.Equal(0, (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas);
        }
    }

    [Fact]
    public async Task WithAutomaticRollbackOffAbortFromTheTriggerPauseRollsBack()
    {
        var (kit, _, instance) = await PauseOnTriggerAsync("trigger-pause-abort");
        await using (instance)
        {
            await kit.AnnotateAsync("pool", ActionAnnotations.Abort, "abort-1");
            var rolledBack = await kit.WaitForPhaseAsync("pool", Phases.RolledBack, Timeout);
            Assert.Equal("abort", rolledBack.Status!.Rollback?.Trigger);
            Assert.Equal("canary-25", rolledBack.Status.Rollback?.FromStage);
            Assert.Equal(25, rolledBack.Status.Rollback?.Weight);
            Assert.Null(rolledBack.Status.Pause);
            Assert.Equal(Total, (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas);
            Assert.Equal(0, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);
            await cluster.WaitForAsync(async () => (await kit.ReadDeploymentAsync("pool-v1")).Status?.ReadyReplicas == Total, Timeout, "V1 ready at its original replicas");
        }
    }

    /// <summary>A migration with rollback.automatic=false whose V2 crash-loops at 25%: paused by the trigger, nothing reverted.</summary>
    private async Task<(MigrationKit Kit, string Namespace, OperatorInstance Instance)> PauseOnTriggerAsync(string prefix)
    {
        var ns = await cluster.CreateNamespaceAsync(prefix);
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", Total);
        var instance = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: $"Operator:Namespaces:0={ns}");
        try
        {
            var migration = MigrationKit.Migration("pool", Stages.Weighted("canary-25", 25, "10s"), Stages.Weighted("full", 100));
            migration.Spec.Rollback = new RollbackSpec { Automatic = false, ScaleDownDelaySeconds = 1 };
            await kit.CreateAsync(migration);
            await WaitAtQuarterAsync(kit);

            cluster.Kubelet!.SetBehaviour(ns, "pool-v2", PodBehaviour.CrashLoop);
            var paused = await kit.WaitForAsync("pool", m => m.Status?.Phase == Phases.Paused, Timeout, "paused by the trigger");
            output.WriteLine($"paused: {paused.Status!.Pause?.Reason}: {paused.Status.Pause?.Message}");
            Assert.Equal(PauseReasons.Trigger, paused.Status.Pause?.Reason);
            Assert.Null(paused.Status.Rollback);
            Assert.Equal(25, paused.Status.Weight);
            Assert.Equal("canary-25", paused.Status.StageName);
            Assert.Equal("Warning", (await kit.WaitForEventAsync("pool", "RollbackTriggerPaused")).Type);
            Assert.Equal(Total - 1, (await kit.ReadDeploymentAsync("pool-v1")).Spec.Replicas);
            Assert.Equal(1, (await kit.ReadDeploymentAsync("pool-v2")).Spec.Replicas);
            return (kit, ns, instance);
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the canary-25 stage has its capacity and 25% of the traffic.</summary>
    private static Task<PoolMigration> WaitAtQuarterAsync(MigrationKit kit) =>
        kit.WaitForAsync("pool", m => m.Status is { Phase: Phases.Progressing, StageName: "canary-25", Weight: 25, StageReadyAt: not null }, Timeout, "canary-25 at 25% with its capacity");

    private static double AverageSpacing(IReadOnlyList<PoolSample> samples) =>
        samples.Count < 2 ? 0 : (samples[^1].Started - samples[0].Started).TotalMilliseconds / (samples.Count - 1);
}
