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
        return (total - v2, v2);
    }

    public static int CeilShare(int total, int percent) => (int)Math.Ceiling(total * percent / 100.0);
}
