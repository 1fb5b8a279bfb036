namespace PoolOperator.Core;

/// <summary>A PodDisruptionBudget that selects pods of V1, V2 or both; its bounds as written ("3" or "50%").</summary>
internal sealed record DisruptionBudget(string Name, bool CoversV1, bool CoversV2, string? MinAvailable, string? MaxUnavailable);
