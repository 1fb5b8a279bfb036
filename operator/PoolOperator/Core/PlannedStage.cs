namespace PoolOperator.Core;

internal sealed record PlannedStage(int Index, string Name, int Weight, int ShadowPercent, TimeSpan Duration, bool RequiresApproval)
{
    public bool IsShadow => ShadowPercent > 0;
}
