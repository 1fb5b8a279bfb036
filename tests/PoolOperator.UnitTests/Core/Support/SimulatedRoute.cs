using PoolOperator.Core;

namespace PoolOperator.UnitTests.Core;

internal sealed class SimulatedRoute(string name)
{
    public string Name { get; } = name;

    public bool Exists { get; set; } = true;

    public int V1Weight { get; set; } = 100;

    public int V2Weight { get; set; }

    public RouteObservation Observe() => new(Name, Exists, V1Weight, V2Weight);

    public void Apply(SetRouteWeights weights)
    {
        V1Weight = weights.V1Weight;
        V2Weight = weights.V2Weight;
    }
}
