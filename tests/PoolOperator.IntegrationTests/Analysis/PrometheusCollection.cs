using Xunit;

namespace PoolOperator.IntegrationTests.Analysis;

/// <summary>Tests sharing one Prometheus run one at a time: one of them stops and restarts it.</summary>
[CollectionDefinition(Name)]
public sealed class PrometheusCollection : ICollectionFixture<PrometheusFixture>
{
    public const string Name = "Prometheus";
}
