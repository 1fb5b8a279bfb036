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

    /// <summary>The pools as they really were when the round observed them (a status that had not caught up with a scale-down shows more ready pods); null: as observed.</summary>
    public (DeploymentObservation? V1, DeploymentObservation? V2)? Truth { get; init; }

    public IReadOnlyList<MigrationAction> Actions => Decision.Actions;
}
