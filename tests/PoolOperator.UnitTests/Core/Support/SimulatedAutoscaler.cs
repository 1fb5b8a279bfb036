using PoolOperator.Core;

namespace PoolOperator.UnitTests.Core;

/// <summary>A HorizontalPodAutoscaler as the simulation sees it: bounds the operator sets, and the replicas the load asks for.</summary>
internal sealed class SimulatedAutoscaler(string name, int minReplicas, int maxReplicas)
{
    public string Name { get; } = name;

    public int MinReplicas { get; set; } = minReplicas;

    public int MaxReplicas { get; set; } = maxReplicas;

    /// <summary>The replicas the metrics ask for; null keeps whatever the Deployment has, within the bounds.</summary>
    public int? LoadWants { get; set; }

    /// <summary>How often this HPA changed its Deployment's replicas.</summary>
    public int Rescales { get; set; }

    public List<(int Min, int Max)> BoundsHistory { get; } = [];

    public AutoscalerObservation Observe() => new(Name, MinReplicas, MaxReplicas);

    public void Bound(int min, int max)
    {
        BoundsHistory.Add((min, max));
        (MinReplicas, MaxReplicas) = (min, max);
    }
}
