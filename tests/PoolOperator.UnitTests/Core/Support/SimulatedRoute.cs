using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.UnitTests.Core;

/// <summary>The HTTPRoute's two backend weights, recorded and set the way the Gateway API router does.</summary>
internal sealed class SimulatedRoute(string name)
{
    public string Name { get; } = name;

    public bool Exists { get; set; } = true;

    public int V1Weight { get; set; } = 100;

    /// <summary>Whether V1's backendRef is still in the route's rules (a cleanup removes it).</summary>
    public bool HasV1Backend { get; set; } = true;

    public int V2Weight { get; set; }

    /// <summary>Every (V1, V2) weight pair applied, in order.</summary>
    public List<(int V1Weight, int V2Weight)> History { get; } = [];

    public void RecordOriginal(OriginalState original)
    {
        if (!Exists)
        {
            return;
        }

        original.HttpRoute = new OriginalHttpRoute { Name = Name, V1Weight = V1Weight, V2Weight = V2Weight };
        var sum = V1Weight + V2Weight;
        original.Weight = sum == 0 ? 0 : (int)Math.Round(100.0 * V2Weight / sum);
    }

    public void Apply(TrafficState traffic, OriginalHttpRoute? original)
    {
        (V1Weight, V2Weight) = traffic.RestoreOriginal
            ? original is { } recorded ? (recorded.V1Weight, recorded.V2Weight) : (100, 0)
            : (100 - traffic.V2Weight, traffic.V2Weight);
        History.Add((V1Weight, V2Weight));
    }
}
