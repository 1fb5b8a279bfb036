namespace PoolOperator.Core;

internal sealed record SetRouteWeights(string HttpRoute, string V1Service, int V1Weight, string V2Service, int V2Weight) : MigrationAction;
