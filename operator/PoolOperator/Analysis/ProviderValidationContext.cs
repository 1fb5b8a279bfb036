using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Validation;

namespace PoolOperator.Analysis;

/// <summary>
/// What a provider's validation sees of one check, and the rules every provider section shares, so field paths and
/// messages read the same whichever provider reports them.
/// </summary>
internal sealed class ProviderValidationContext(
    AnalysisCheck check,
    string checkPath,
    IAnalysisProviderDescriptor provider,
    bool checkUsesOtherProviders,
    AnalysisProviderRegistry registry,
    List<SpecProblem> errors)
{
    public AnalysisCheck Check { get; } = check;

    /// <summary>The path of the check, e.g. <c>spec.analysis.checks[0]</c>.</summary>
    public string CheckPath { get; } = checkPath;

    /// <summary>The path of a field of the provider's section, e.g. <c>spec.analysis.checks[0].prometheus.query</c>.</summary>
    public string Field(string name) => $"{CheckPath}.{provider.Name}.{name}";

    public void Add(string field, string message) => errors.Add(new SpecProblem(field, message));

    /// <summary>Field <paramref name="name"/> holds an absolute http(s) URL; unless <paramref name="required"/>, it may be left out (null).</summary>
    public void HttpUrl(string? url, string name, bool required)
    {
        if (required && string.IsNullOrEmpty(url))
        {
            Add(Field(name), "is required: an absolute http or https URL");
            return;
        }

        if (url is not null && !SpecValidator.IsHttpUrl(url))
        {
            Add(Field(name), $"\"{url}\" is not an absolute http or https URL");
        }
    }

    public void TimeoutSeconds(int? timeoutSeconds, string name = "timeoutSeconds") =>
        SpecValidator.ValidateTimeout(timeoutSeconds, Field(name), errors);

    public void SecretKey(SecretKeyReference? reference, string name) =>
        SpecValidator.ValidateKeyReference(reference?.Name, reference?.Key, reference is not null, Field(name), "Secret", errors);

    public void ConfigMapKey(ConfigMapKeyReference? reference, string name) =>
        SpecValidator.ValidateKeyReference(reference?.Name, reference?.Key, reference is not null, Field(name), "ConfigMap", errors);

    /// <summary>Reports the second of two references set together when the provider can use only one of them.</summary>
    public void OneOf(object? first, string firstName, object? second, string secondName)
    {
        if (first is not null && second is not null)
        {
            Add(Field(secondName), $"set either {firstName} or {secondName}, not both");
        }
    }

    public void SecretName(LocalObjectReference? reference, string name)
    {
        if (reference is not null && !KubernetesNames.IsDns1123Subdomain(reference.Name))
        {
            Add(Field(name) + ".name", SpecValidator.NameMessage(reference.Name, "Secret"));
        }
    }

    /// <summary>
    /// A provider that measures a number needs at least one bound to judge it; one that decides by itself
    /// (<see cref="IAnalysisProviderDescriptor.OwnVerdict"/>) must not be given bounds it would ignore.
    /// </summary>
    public void Bounds()
    {
        var bounds = new[] { ("min", Check.Min), ("max", Check.Max), ("maxRatio", Check.MaxRatio), ("maxDelta", Check.MaxDelta) };
        if (provider.OwnVerdict is not { } ownVerdict)
        {
            if (bounds.All(bound => bound.Item2 is null))
            {
                Add(CheckPath, "has no bound; set at least one of min, max, maxRatio or maxDelta");
            }

            return;
        }

        // The check is already reported for setting two providers; the bounds may belong to the other one.
        if (checkUsesOtherProviders)
        {
            return;
        }

        var judgedByBounds = registry.Descriptors.Where(descriptor => descriptor.OwnVerdict is null).Select(descriptor => descriptor.Name).ToList();
        var scope = judgedByBounds.Count == 0
            ? "no provider takes bounds"
            : $"bounds apply to {AnalysisProviderRegistry.JoinNames(judgedByBounds, "and")} checks only";
        foreach (var (name, value) in bounds)
        {
            if (value is not null)
            {
                Add($"{CheckPath}.{name}", $"a {provider.Name} check {ownVerdict}; {scope}");
            }
        }
    }
}
