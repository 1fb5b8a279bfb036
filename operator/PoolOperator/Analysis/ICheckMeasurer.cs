using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Analysis;

/// <summary>Measures every configured check of a migration once; never throws except on cancellation.</summary>
internal interface ICheckMeasurer
{
    Task<IReadOnlyList<Measurement>> MeasureAllAsync(IReadOnlyList<AnalysisCheck> checks, string @namespace, MeasurementContext context, CancellationToken cancellationToken);
}
