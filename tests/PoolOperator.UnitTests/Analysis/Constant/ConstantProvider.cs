using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.UnitTests.Analysis.Constant;

/// <summary>Measures a constant check: its value, judged by the check's bounds, after its delay.</summary>
internal sealed class ConstantProvider(TimeProvider timeProvider) : IAnalysisProvider
{
    public IAnalysisProviderDescriptor Descriptor => ConstantDescriptor.Instance;

    public async Task<Measurement> MeasureAsync(AnalysisCheck check, string @namespace, MeasurementContext context, CancellationToken cancellationToken)
    {
        var spec = ConstantDescriptor.Instance.SpecOf(check)!;
        await Task.Delay(TimeSpan.FromSeconds(spec.DelaySeconds), timeProvider, cancellationToken);
        return CheckEvaluator.Evaluate(check, spec.Value, null, null, timeProvider.GetUtcNow());
    }
}
