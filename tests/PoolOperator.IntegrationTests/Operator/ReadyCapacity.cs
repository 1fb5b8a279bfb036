using k8s.Models;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>V1 ready + V2 ready across the Deployment versions a watch delivered, in etcd order.</summary>
internal static class ReadyCapacity
{
    /// <returns>The lowest sum of ready pods over every state the watch saw, and where it was.</returns>
    public static (int Lowest, string At) Lowest(IReadOnlyList<WatchObservation<V1Deployment>> observations, string v1, string v2)
    {
        var ready = new Dictionary<string, int>();
        var lowest = int.MaxValue;
        var lowestAt = "";
        foreach (var observation in observations)
        {
            ready[observation.Object.Metadata.Name] = observation.Object.Status?.ReadyReplicas ?? 0;
            var sum = ready.GetValueOrDefault(v1) + ready.GetValueOrDefault(v2);
            if (sum < lowest)
            {
                lowest = sum;
                lowestAt = $"{observation.At.TotalSeconds:F1} s (V1 {ready.GetValueOrDefault(v1)}, V2 {ready.GetValueOrDefault(v2)})";
            }
        }

        return (lowest, lowestAt);
    }
}
