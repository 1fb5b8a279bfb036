using Xunit;

namespace PoolOperator.IntegrationTests.Infrastructure;

/// <summary>Tests in this collection share one cluster (<see cref="ClusterFixture"/>) and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
