using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.UnitTests.Core;

/// <summary>One reconcile round: what the core was given and what it answered.</summary>
internal sealed record SimulationRound(
    int Number,
    PoolMigrationStatus Before,
    MigrationInput Input,
    MigrationDecision Decision)
{
    public PoolMigrationStatus After => Decision.Status;

    public IReadOnlyList<MigrationAction> Actions => Decision.Actions;
}
