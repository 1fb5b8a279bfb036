using System.Diagnostics.CodeAnalysis;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Analysis;

/// <summary>
/// What the operator knows about a metric provider without measuring: which checks use it, their budget, their
/// credentials and the validation of their section. Listed in <see cref="AnalysisProviderRegistry"/>; the runner, the
/// budget, the credential resolver and the spec validator ask it instead of naming providers.
/// </summary>
internal interface IAnalysisProviderDescriptor
{
    /// <summary>The field of a check that selects this provider, spelled as in the spec (e.g. <c>prometheus</c>).</summary>
    string Name { get; }

    /// <summary>The <see cref="IAnalysisProvider"/> that measures the checks using this provider; built by dependency injection.</summary>
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)]
    Type ProviderType { get; }

    /// <summary>
    /// How the provider decides pass or fail by itself, completing "a {Name} check ..." (e.g. "passes on a 2xx answer and
    /// fails otherwise"); null when it measures a number that the check's min, max, maxRatio or maxDelta judge.
    /// </summary>
    string? OwnVerdict { get; }

    bool IsUsedBy(AnalysisCheck check);

    /// <summary>The check's own budget in seconds for one measurement; null for the operator's default.</summary>
    int? TimeoutSeconds(AnalysisCheck check);

    /// <summary>The Secrets and ConfigMaps the check's section refers to.</summary>
    CredentialReferences Credentials(AnalysisCheck check);

    /// <summary>Where the credential references sit below the check, e.g. <c>prometheus</c>; the section itself by default.</summary>
    string CredentialsPath => Name;

    /// <summary>Reports the problems of the check's section of this provider; called only for checks that use it.</summary>
    void Validate(ProviderValidationContext context);
}
