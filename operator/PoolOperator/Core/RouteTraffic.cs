namespace PoolOperator.Core;

/// <summary>Put <see cref="Traffic"/> in place through every traffic router the migration configures.</summary>
internal sealed record RouteTraffic(TrafficState Traffic) : MigrationAction;
