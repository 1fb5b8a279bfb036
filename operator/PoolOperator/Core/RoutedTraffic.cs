namespace PoolOperator.Core;

/// <summary>
/// The traffic split a router's objects carry as last seen in the cache (say, the weights and mirror of an HTTPRoute),
/// named by the object it was read from so a status message can say where it stands.
/// </summary>
internal sealed record RoutedTraffic(string Carrier, int V2Weight, int ShadowPercent);
