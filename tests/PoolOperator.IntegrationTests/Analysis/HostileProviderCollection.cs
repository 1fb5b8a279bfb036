using Xunit;

namespace PoolOperator.IntegrationTests.Analysis;

/// <summary>Runs alone, so the allocations counted while facing a huge body are the operator's, not another test's.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostileProviderCollection
{
    public const string Name = "hostile providers";
}
