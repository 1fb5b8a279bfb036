using PoolOperator.Core;

namespace PoolOperator.UnitTests.Core;

/// <summary>
/// A Deployment as the simulation sees it. Scaling down removes ready pods at once; scaling up adds pods that
/// become ready at the start of a later round when <see cref="AutoReady"/> is on, or when the test says so.
/// </summary>
internal sealed class SimulatedDeployment(string name, int replicas)
{
    public string Name { get; } = name;

    public bool Exists { get; set; } = true;

    public int SpecReplicas { get; set; } = replicas;

    public int ReadyReplicas { get; set; } = replicas;

    /// <summary>New pods become ready at the start of the next round.</summary>
    public bool AutoReady { get; set; } = true;

    /// <summary>At most this many pods ever become ready on their own (a rollout that cannot finish).</summary>
    public int? ReadyLimit { get; set; }

    public string? TemplateHash { get; set; } = "5d8f7c9b4";

    public int TotalRestarts { get; set; }

    public string? CrashLoopingPod { get; set; }

    public List<int> ScaleHistory { get; } = [];

    /// <summary>
    /// The Deployment's controllers apply a changed spec.replicas only after the next round has observed it: that round
    /// sees the new spec beside the status from before (observedGeneration behind), as when the operator reads back its own write.
    /// </summary>
    public bool LaggingController { get; set; }

    // The lowest spec.replicas written since the controllers last caught up: a scale-down to it removes ready pods even
    // when a later write raises the spec again.
    private int? lowestUnapplied;
    private bool unappliedObserved;

    public bool Settled => lowestUnapplied is null;

    /// <summary>The ready pods left once the controllers apply what was written: the truth the status will catch up with.</summary>
    public int ReadyOnceApplied => Math.Min(ReadyReplicas, lowestUnapplied ?? int.MaxValue);

    /// <summary>The HorizontalPodAutoscaler scaling this Deployment, if any: at each round it brings the replicas within its bounds.</summary>
    public SimulatedAutoscaler? Autoscaler { get; set; }

    public DeploymentObservation? Observe() =>
        Exists ? new DeploymentObservation(Name, SpecReplicas, ReadyReplicas, TemplateHash, TotalRestarts, CrashLoopingPod, Autoscaler?.Observe(), Settled) : null;

    /// <summary>The world as a reconcile observes it, with the pods a pending scale-down removes already gone.</summary>
    public DeploymentObservation? ObserveTruth() => Observe() is { } seen ? seen with { ReadyReplicas = ReadyOnceApplied, Settled = true } : null;

    public void Settle()
    {
        if (lowestUnapplied is { } lowest)
        {
            if (LaggingController && !unappliedObserved)
            {
                unappliedObserved = true;
                return;
            }

            ReadyReplicas = Math.Min(ReadyReplicas, lowest);
            lowestUnapplied = null;
        }

        // As the HPA controller does: it wants what the load asks for, within its bounds, and leaves a Deployment at zero alone.
        if (Autoscaler is { } hpa && SpecReplicas != 0)
        {
            var wanted = Math.Clamp(hpa.LoadWants ?? SpecReplicas, hpa.MinReplicas, hpa.MaxReplicas);
            if (wanted != SpecReplicas)
            {
                hpa.Rescales++;
                SpecReplicas = wanted;
                ReadyReplicas = Math.Min(ReadyReplicas, wanted);
            }
        }

        if (AutoReady)
        {
            ReadyReplicas = Math.Min(SpecReplicas, ReadyLimit ?? int.MaxValue);
        }
    }

    public void Scale(int replicas)
    {
        ScaleHistory.Add(replicas);
        if (LaggingController && replicas != SpecReplicas)
        {
            lowestUnapplied = Math.Min(lowestUnapplied ?? replicas, replicas);
            unappliedObserved = false;
            SpecReplicas = replicas;
            return;
        }

        SpecReplicas = replicas;
        ReadyReplicas = Math.Min(ReadyReplicas, replicas);
    }

    /// <summary>Makes up to <paramref name="count"/> more of the desired pods ready.</summary>
    public void MakeReady(int? count = null) =>
        ReadyReplicas = Math.Min(SpecReplicas, count is { } c ? ReadyReplicas + c : SpecReplicas);
}
