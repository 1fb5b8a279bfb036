namespace PoolOperator.Core;

/// <summary>
/// The traffic split the core wants in place, in terms every router understands: V2's share of live traffic, the
/// share of V1's traffic copied to V2, and the phase to publish. With <see cref="RestoreOriginal"/> each router puts
/// back what it recorded before the migration began instead of applying the shares.
/// </summary>
internal sealed record TrafficState(int V2Weight, int ShadowPercent, string Phase, bool RestoreOriginal)
{
    public static TrafficState Shift(int v2Weight, int shadowPercent, string phase) => new(v2Weight, shadowPercent, phase, false);

    public static TrafficState Restore(string phase) => new(0, 0, phase, true);
}
