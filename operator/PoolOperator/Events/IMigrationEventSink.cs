using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Events;

internal interface IMigrationEventSink
{
    /// <summary>Records the Event; one with a key is created at most once per migration.</summary>
    Task RecordAsync(PoolMigration migration, MigrationEvent migrationEvent, CancellationToken cancellationToken);
}
