using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Analysis;

internal interface IAnalysisProvider
{
    /// <summary>Which checks this provider measures, their budget and credentials.</summary>
    IAnalysisProviderDescriptor Descriptor { get; }

    /// <summary>Measures one check. Never throws except <see cref="OperationCanceledException"/> for <paramref name="cancellationToken"/>.</summary>
    Task<Measurement> MeasureAsync(AnalysisCheck check, string @namespace, MeasurementContext context, CancellationToken cancellationToken);
}
