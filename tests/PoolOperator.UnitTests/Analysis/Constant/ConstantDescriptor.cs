using System.Runtime.CompilerServices;
using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.UnitTests.Analysis.Constant;

/// <summary>
/// The smallest metric provider: everything the operator needs to know about it, defined outside the operator.
/// A shipped provider adds its section as a property of <see cref="AnalysisCheck"/>; the API type cannot grow a
/// property here, so the section is attached to the check object instead.
/// </summary>
internal sealed class ConstantDescriptor : AnalysisProviderDescriptor<ConstantCheck, ConstantProvider>
{
    private static readonly ConditionalWeakTable<AnalysisCheck, ConstantCheck> Sections = [];

    private ConstantDescriptor()
    {
    }

    public static ConstantDescriptor Instance { get; } = new();

    public override string Name => "constant";

    public static AnalysisCheck Check(string name, ConstantCheck section, double? max = null)
    {
        var check = new AnalysisCheck { Name = name, Max = max };
        Sections.Add(check, section);
        return check;
    }

    public override ConstantCheck? SpecOf(AnalysisCheck check) => Sections.TryGetValue(check, out var section) ? section : null;

    protected override int? TimeoutSecondsOf(ConstantCheck spec) => spec.TimeoutSeconds;

    protected override void Validate(ConstantCheck spec, ProviderValidationContext context)
    {
        if (!double.IsFinite(spec.Value))
        {
            context.Add(context.Field("value"), "must be a finite number");
        }

        context.TimeoutSeconds(spec.TimeoutSeconds);
        context.Bounds();
    }
}
