namespace PoolOperator.Kubectl.Views;

internal static class WeightBar
{
    /// <summary>[#####---------------] for 25% at width 20: V2's share of the traffic, readable without colour.</summary>
    public static string Of(int percent, int width = 20)
    {
        var clamped = Math.Clamp(percent, 0, 100);
        var filled = (int)Math.Round(clamped * width / 100.0);
        return "[" + new string('#', filled) + new string('-', width - filled) + "]";
    }
}
