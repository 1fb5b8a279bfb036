namespace PoolOperator.Core;

/// <summary>The checks that always run, measured from the observed V2 Deployment and its pods.</summary>
internal static class BuiltInChecks
{
    public const string V2Ready = "v2-ready";
    public const string V2Restarts = "v2-restarts";
    public const string ProgressDeadline = "progress-deadline";

    public static IEnumerable<Measurement> Measure(DeploymentObservation v2, int v2Desired, bool stageReady, double? previousRestarts, DateTimeOffset now)
    {
        // Before the stage's capacity is in place V2 is expected to be short; the progress deadline covers that wait.
        if (stageReady)
        {
            yield return v2.ReadyReplicas >= v2Desired
                ? new Measurement(V2Ready, Verdict.Pass, v2.ReadyReplicas, v2Desired, $"{v2.ReadyReplicas}/{v2Desired} V2 pods ready", now)
                : new Measurement(V2Ready, Verdict.Fail, v2.ReadyReplicas, v2Desired, $"only {v2.ReadyReplicas}/{v2Desired} V2 pods ready", now);
        }

        if (v2.CrashLoopingPod is { } pod)
        {
            yield return new Measurement(V2Restarts, Verdict.Fail, v2.TotalRestarts, previousRestarts, $"V2 pod {pod} is in CrashLoopBackOff", now);
        }
        else if (previousRestarts is { } before && v2.TotalRestarts > before)
        {
            yield return new Measurement(V2Restarts, Verdict.Fail, v2.TotalRestarts, before, $"V2 containers restarted {v2.TotalRestarts - before} time(s) since the last measurement", now);
        }
        else
        {
            yield return new Measurement(V2Restarts, Verdict.Pass, v2.TotalRestarts, previousRestarts, $"{v2.TotalRestarts} V2 container restarts, none new", now);
        }
    }
}
