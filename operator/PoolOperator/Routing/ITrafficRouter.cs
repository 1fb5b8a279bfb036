using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Routing;

/// <summary>Applies one kind of desired traffic state. Adding a mesh or another gateway is a new implementation.</summary>
internal interface ITrafficRouter
{
    bool Handles(MigrationAction action);

    Task ApplyAsync(PoolMigration migration, MigrationAction action, CancellationToken cancellationToken);
}
