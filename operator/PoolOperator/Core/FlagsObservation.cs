namespace PoolOperator.Core;

/// <summary>The flags ConfigMap as observed: whether it exists and its <c>rollout.json</c> value.</summary>
internal sealed record FlagsObservation(string ConfigMap, bool Exists, string? RolloutJson);
