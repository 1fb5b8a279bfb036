using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

/// <summary>
/// The core's answer: the status to persist first, then the actions and Events that follow from it, and when
/// to look again even if nothing changes.
/// </summary>
internal sealed record MigrationDecision(
    PoolMigrationStatus Status,
    IReadOnlyList<MigrationAction> Actions,
    IReadOnlyList<MigrationEvent> Events,
    TimeSpan? RequeueAfter);
