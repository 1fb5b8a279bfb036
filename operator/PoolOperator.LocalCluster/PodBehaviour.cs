namespace PoolOperator.LocalCluster;

/// <summary>What the <see cref="SimulatedKubelet"/> makes the pods of a Deployment do.</summary>
public enum PodBehaviour
{
    /// <summary>Running, containers started and Ready (pod annotation value <c>ready</c>).</summary>
    Ready,

    /// <summary>Running but never passing readiness: Ready=False (<c>never-ready</c>).</summary>
    NeverReady,

    /// <summary>
    /// Containers keep crashing: waiting with reason CrashLoopBackOff, restartCount rising, Ready=False
    /// (<c>crash-loop</c>).
    /// </summary>
    CrashLoop,
}
