using k8s.Models;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>What the Deployment versions a watch delivered (in etcd order) went through.</summary>
internal static class DeploymentHistory
{
    /// <summary>One Deployment's successive spec.replicas, repeats collapsed.</summary>
    public static List<int> SpecReplicas(IReadOnlyList<WatchObservation<V1Deployment>> observations, string name)
    {
        var values = new List<int>();
        foreach (var replicas in observations.Where(o => o.Object.Metadata.Name == name).Select(o => o.Object.Spec?.Replicas ?? 1))
        {
            if (values.Count == 0 || values[^1] != replicas)
            {
                values.Add(replicas);
            }
        }

        return values;
    }

    /// <returns>The lowest V1 ready + V2 ready over every state the watch saw, and where it was.</returns>
    public static (int Lowest, string At) LowestReadyCapacity(IReadOnlyList<WatchObservation<V1Deployment>> observations, string v1, string v2)
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
