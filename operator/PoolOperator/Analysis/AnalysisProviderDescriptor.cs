using System.Diagnostics.CodeAnalysis;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Analysis;

/// <summary>
/// A descriptor over the provider's own section of a check (<typeparamref name="TSpec"/>, e.g. <see cref="PrometheusCheck"/>):
/// a provider states once where its section lives and answers every other question from the section alone.
/// </summary>
internal abstract class AnalysisProviderDescriptor<TSpec, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TProvider> : IAnalysisProviderDescriptor
    where TSpec : class
    where TProvider : class, IAnalysisProvider
{
    public abstract string Name { get; }

    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)]
    public Type ProviderType => typeof(TProvider);

    public virtual string? OwnVerdict => null;

    public virtual string CredentialsPath => Name;

    /// <summary>The check's section of this provider; null when the check does not use it.</summary>
    public abstract TSpec? SpecOf(AnalysisCheck check);

    public bool IsUsedBy(AnalysisCheck check) => SpecOf(check) is not null;

    public int? TimeoutSeconds(AnalysisCheck check) => SpecOf(check) is { } spec ? TimeoutSecondsOf(spec) : null;

    public CredentialReferences Credentials(AnalysisCheck check) => SpecOf(check) is { } spec ? CredentialsOf(spec) : CredentialReferences.None;

    public void Validate(ProviderValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (SpecOf(context.Check) is { } spec)
        {
            Validate(spec, context);
        }
    }

    /// <summary>The section's own budget in seconds; null (the default) for the operator's default budget.</summary>
    protected virtual int? TimeoutSecondsOf(TSpec spec) => null;

    protected virtual CredentialReferences CredentialsOf(TSpec spec) => CredentialReferences.None;

    protected abstract void Validate(TSpec spec, ProviderValidationContext context);
}
