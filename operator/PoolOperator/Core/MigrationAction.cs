namespace PoolOperator.Core;

/// <summary>A desired state the reconciler applies idempotently after the status that implies it is persisted.</summary>
internal abstract record MigrationAction;
