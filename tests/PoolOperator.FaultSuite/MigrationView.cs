using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.FaultSuite;

/// <summary>What the checker remembers of one migration between two watch events.</summary>
internal sealed class MigrationView
{
    public PoolMigration? Last { get; set; }

    /// <summary>The relist the last observation came from: two observations of one relist are consecutive versions.</summary>
    public int ListEpoch { get; set; }

    /// <summary>Set once a rollback was seen; from then on every version is judged against it.</summary>
    public RollbackMark? Rollback { get; set; }
}
