using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Analysis;

/// <summary>Measures every configured check of a migration once; never throws except on cancellation.</summary>
internal interface ICheckMeasurer
{
    Task<IReadOnlyList<Measurement>> MeasureAllAsync(IReadOnlyList<AnalysisCheck> checks, string @namespace, MeasurementContext context, CancellationToken cancellationToken);

    /// <summary>
    /// The Secrets, ConfigMaps and keys the checks name that cannot be read now, each as a problem of the field naming
    /// it; empty when all are there.
    /// </summary>
    Task<IReadOnlyList<SpecProblem>> CredentialProblemsAsync(IReadOnlyList<AnalysisCheck> checks, string @namespace, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SpecProblem>>([]);
}
