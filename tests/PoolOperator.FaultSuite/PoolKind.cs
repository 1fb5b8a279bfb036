namespace PoolOperator.FaultSuite;

/// <summary>What a pool's V2 does once it runs, and so how its migration must end.</summary>
internal enum PoolKind
{
    /// <summary>V2 pods become ready and its Prometheus series is good: the migration completes.</summary>
    Healthy,

    /// <summary>V2 containers crash from the start (CrashLoopBackOff): the built-in restart check rolls back.</summary>
    CrashLoop,

    /// <summary>V2 is ready but its Prometheus error ratio is above the check's maximum: the check rolls back.</summary>
    FailingPrometheus,

    /// <summary>
    /// V2's error ratio is good until the migration enters its 50% stage, then bad: the check rolls back from there,
    /// with V1 already shrunk, so V1 has to grow back before V2 may go.
    /// </summary>
    DegradingPrometheus,

    /// <summary>V2 pods run but never pass readiness: the progress deadline rolls back.</summary>
    NeverReady,

    /// <summary>A webhook check that never answers: every measurement is inconclusive, so the migration pauses and never rolls back.</summary>
    HangingWebhook,
}
