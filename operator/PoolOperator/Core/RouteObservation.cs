namespace PoolOperator.Core;

/// <summary>The HTTPRoute's backend weights for the two pool Services, when the route exists.</summary>
internal sealed record RouteObservation(string HttpRoute, bool Exists, int V1Weight, int V2Weight);
