using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// One PoolMigration the CRD schema admits and the operator must refuse: how it differs from a valid migration of
/// Deployments <c>Pool-v1</c>/<c>Pool-v2</c>, and what the InvalidSpec message must say (<c>Field: Problem…</c>).
/// </summary>
internal sealed record BadInputCase(string Name, string Field, string Problem, Action<PoolMigrationSpec> Arrange, string Pool = "pool")
{
    public override string ToString() => Name;
}
