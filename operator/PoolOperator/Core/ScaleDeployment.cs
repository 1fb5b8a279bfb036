namespace PoolOperator.Core;

internal sealed record ScaleDeployment(string Deployment, int Replicas) : MigrationAction;
