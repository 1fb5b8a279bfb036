using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Runtime.Events;

namespace PoolOperator.Events;

/// <summary>
/// Records a migration's Events through the runtime's <see cref="EventRecorder"/>, reported by this replica's leader
/// identity. A milestone (an Event with a key) is created at most once per migration, even across restarts and leader
/// changes. Any other Event is aggregated: a repeat of the same reason and message raises the first one's count, written
/// to the apiserver at most once per <c>EventRecorder.RepeatUpdateInterval</c>, so an Event repeated on every reconcile
/// does not cost a request each time.
/// </summary>
internal sealed class KubernetesEventSink(EventRecorder recorder) : IMigrationEventSink
{
    public Task RecordAsync(PoolMigration migration, MigrationEvent migrationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(migrationEvent);
        var type = migrationEvent.Type == MigrationEvent.Warning ? EventType.Warning : EventType.Normal;
        return migrationEvent.Key is null
            ? recorder.RecordAsync(migration, type, migrationEvent.Reason, migrationEvent.Message, cancellationToken)
            : recorder.RecordOnceAsync(migration, type, migrationEvent.Reason, migrationEvent.Message, migrationEvent.Key, cancellationToken);
    }
}
