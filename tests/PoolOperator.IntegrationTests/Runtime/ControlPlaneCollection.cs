using Xunit;

namespace PoolOperator.IntegrationTests.Runtime;

[CollectionDefinition(Name)]
public sealed class ControlPlaneCollection : ICollectionFixture<ControlPlaneFixture>
{
    public const string Name = "Runtime control plane";
}
