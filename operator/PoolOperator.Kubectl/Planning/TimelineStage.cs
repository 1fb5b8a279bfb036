namespace PoolOperator.Kubectl.Planning;

/// <summary>A stage in the planned timeline: when it starts at the earliest, how long it runs, the pods it asks for.</summary>
internal sealed record TimelineStage(string Name, string Traffic, TimeSpan StartsAfter, TimeSpan Duration, bool Gate, int V1Replicas, int V2Replicas);
