namespace PoolOperator.Core;

/// <summary>
/// What a stage's traffic means in words, naming the mechanism that makes it true: the HTTPRoute's weights and mirror,
/// the flags document the SDK reads, or, with replicas alone, only the replica split. Messages say nothing the
/// configured routers do not do.
/// </summary>
internal static class TrafficWording
{
    /// <summary>The traffic of a stage in place, for the status message.</summary>
    public static string InPlace(MigrationPlan plan, PlannedStage stage, int weight, int v2Replicas, int total) =>
        stage.IsShadow ? Shadow(plan, stage.ShadowPercent) : Weight(plan, weight, v2Replicas, total);

    /// <summary>What entering a stage is to bring, for its StageStarted Event.</summary>
    public static string Intended(MigrationPlan plan, PlannedStage stage)
    {
        if (stage.IsShadow)
        {
            return plan.GatewayApi is { } route
                ? $"V1 to answer every request while HTTPRoute {route.HttpRoute} mirrors them to {route.V2Service}"
                : $"V1 to answer every request while the SDK runs V2 beside it on {stage.ShadowPercent}% of the sessions";
        }

        return plan.GatewayApi is not null || plan.Flags is not null
            ? $"V2 to get {stage.Weight}% of the traffic"
            : $"V2 to get {stage.Weight}% of the replicas";
    }

    private static string Shadow(MigrationPlan plan, int percent)
    {
        var parts = new List<string>();
        if (plan.GatewayApi is { } route)
        {
            parts.Add($"HTTPRoute {route.HttpRoute} sends every request to {route.V1Service} and mirrors it to {route.V2Service}, whose answers are dropped");
        }

        if (plan.Flags is { } flags)
        {
            parts.Add($"ConfigMap {flags.ConfigMap} publishes shadowPercent {percent}: SDK readers answer from V1 and run V2 beside it on {percent}% of the sessions");
        }

        return parts.Count == 0 ? $"shadow {percent}% has no mirroring path" : string.Join("; ", parts);
    }

    private static string Weight(MigrationPlan plan, int weight, int v2Replicas, int total)
    {
        var parts = new List<string>();
        if (plan.GatewayApi is { } route)
        {
            parts.Add($"HTTPRoute {route.HttpRoute} sends {weight}% of its requests to {route.V2Service}");
        }

        if (plan.Flags is { } flags)
        {
            parts.Add($"ConfigMap {flags.ConfigMap} publishes v2Percent {weight}");
        }

        if (parts.Count == 0)
        {
            // Replicas alone: the share of pods is what the operator controls; Services spread requests over them.
            parts.Add($"V2 runs {v2Replicas} of {total} replicas ({weight}%)");
        }

        return string.Join("; ", parts);
    }
}
