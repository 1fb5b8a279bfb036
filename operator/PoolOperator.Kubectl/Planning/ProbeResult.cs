namespace PoolOperator.Kubectl.Planning;

/// <summary>What probing one check's endpoint showed: reachable, and for a query whether it returned data now.</summary>
internal sealed record ProbeResult(string Check, string Target, bool Reachable, bool? HasData, string Detail, bool ClusterInternal = false);
