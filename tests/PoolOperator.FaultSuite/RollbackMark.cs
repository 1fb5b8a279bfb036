namespace PoolOperator.FaultSuite;

/// <summary>Where a migration stood when the checker first saw its rollback: the run and the stage it rolled back from.</summary>
internal sealed record RollbackMark(int? Run, int StageIndex);
