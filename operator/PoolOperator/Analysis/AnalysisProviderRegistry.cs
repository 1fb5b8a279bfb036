using PoolOperator.Analysis.Prometheus;
using PoolOperator.Analysis.ShadowComparison;
using PoolOperator.Analysis.Webhook;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Analysis;

/// <summary>
/// The metric providers a check may use. Spec validation reads <see cref="BuiltIn"/> without dependency injection, and
/// <see cref="AnalysisServiceCollectionExtensions.AddPoolAnalysis"/> registers a provider for each descriptor of the
/// same list, so a provider is known everywhere once it is listed here.
/// </summary>
internal sealed class AnalysisProviderRegistry
{
    private AnalysisProviderRegistry(IReadOnlyList<IAnalysisProviderDescriptor> descriptors)
    {
        foreach (var descriptor in descriptors)
        {
            if (!typeof(IAnalysisProvider).IsAssignableFrom(descriptor.ProviderType))
            {
                throw new ArgumentException($"provider type {descriptor.ProviderType} of '{descriptor.Name}' does not implement {nameof(IAnalysisProvider)}", nameof(descriptors));
            }
        }

        var duplicate = descriptors.GroupBy(descriptor => descriptor.Name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"more than one provider is named '{duplicate.Key}'", nameof(descriptors));
        }

        Descriptors = descriptors;
    }

    /// <summary>The providers the operator ships with.</summary>
    public static AnalysisProviderRegistry BuiltIn { get; } = new(
    [
        PrometheusDescriptor.Instance,
        WebhookDescriptor.Instance,
        ShadowComparisonDescriptor.Instance,
    ]);

    public IReadOnlyList<IAnalysisProviderDescriptor> Descriptors { get; }

    /// <summary>This registry and one more provider, for a host that composes its own set.</summary>
    public AnalysisProviderRegistry With(IAnalysisProviderDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return new([.. Descriptors, descriptor]);
    }

    /// <summary>The providers whose section the check sets; a valid check sets exactly one.</summary>
    public IReadOnlyList<IAnalysisProviderDescriptor> UsedBy(AnalysisCheck check) => [.. Descriptors.Where(descriptor => descriptor.IsUsedBy(check))];

    /// <summary>"a", "a or b", "a, b or c" (with <paramref name="conjunction"/> "or").</summary>
    public static string JoinNames(IEnumerable<string> names, string conjunction)
    {
        ArgumentNullException.ThrowIfNull(names);
        var list = names.ToList();
        return list.Count <= 1
            ? string.Concat(list)
            : $"{string.Join(", ", list.Take(list.Count - 1))} {conjunction} {list[^1]}";
    }
}
