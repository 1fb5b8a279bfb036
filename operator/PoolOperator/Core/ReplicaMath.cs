namespace PoolOperator.Core;

internal static class ReplicaMath
{
    /// <summary>
    /// Replicas each pool needs for a stage. A weighted stage splits the total (V2 rounded up so a small weight
    /// still gets a pod); a shadow stage runs V2 at its shadow share while V1 keeps full capacity.
    /// </summary>
    public static (int V1, int V2) ForStage(int total, PlannedStage stage)
    {
        if (stage.IsShadow)
        {
            return (total, CeilShare(total, stage.ShadowPercent));
        }

        var v2 = CeilShare(total, stage.Weight);

        // Below 100% V1 still receives traffic, so it keeps at least one pod even when rounding V2 up took them all.
        var v1 = stage.Weight < 100 ? Math.Max(total - v2, Math.Min(total, 1)) : 0;
        return (v1, v2);
    }

    public static int CeilShare(int total, int percent) => (int)Math.Ceiling(total * percent / 100.0);
}
