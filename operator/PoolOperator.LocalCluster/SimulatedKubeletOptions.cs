namespace PoolOperator.LocalCluster;

/// <summary>Settings of a <see cref="SimulatedKubelet"/>.</summary>
public sealed record SimulatedKubeletOptions
{
    /// <summary>The Node the simulated kubelet registers and binds pods to.</summary>
    public string NodeName { get; init; } = "pooloperator-sim-node";

    /// <summary>How often a crash-looping container "restarts" (its restartCount goes up by one).</summary>
    public TimeSpan CrashLoopRestartInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Pods that behave differently unless told otherwise; pods of other Deployments become Ready.</summary>
    public PodBehaviour DefaultBehaviour { get; init; } = PodBehaviour.Ready;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
