using k8s.Models;

namespace PoolOperator.Validation;

/// <summary>Evaluates a label selector the way the apiserver does, to find Deployments that would fight over pods.</summary>
internal static class LabelSelectorMatcher
{
    /// <summary>
    /// A null selector matches nothing and an empty one everything (apimachinery's LabelSelectorAsSelector);
    /// an operator the apiserver would refuse matches nothing.
    /// </summary>
    public static bool Matches(V1LabelSelector? selector, IDictionary<string, string>? labels)
    {
        if (selector is null)
        {
            return false;
        }

        labels ??= new Dictionary<string, string>();
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            if (!Matches(requirement, labels))
            {
                return false;
            }
        }

        return true;
    }

    public static string Describe(V1LabelSelector? selector)
    {
        if (selector is null)
        {
            return "<none>";
        }

        var parts = new List<string>();
        parts.AddRange((selector.MatchLabels ?? new Dictionary<string, string>()).Select(pair => $"{pair.Key}={pair.Value}"));
        parts.AddRange((selector.MatchExpressions ?? []).Select(Describe));
        return parts.Count == 0 ? "<everything>" : string.Join(",", parts);
    }

    public static string Describe(IDictionary<string, string>? labels) =>
        labels is null || labels.Count == 0 ? "<none>" : string.Join(",", labels.Select(pair => $"{pair.Key}={pair.Value}"));

    private static bool Matches(V1LabelSelectorRequirement requirement, IDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(requirement.Key ?? "", out var value);
        var values = requirement.Values ?? [];
        return requirement.OperatorProperty switch
        {
            "In" => has && values.Contains(value!),
            "NotIn" => !has || !values.Contains(value!),
            "Exists" => has,
            "DoesNotExist" => !has,
            _ => false,
        };
    }

    private static string Describe(V1LabelSelectorRequirement requirement) => requirement.OperatorProperty switch
    {
        "In" => $"{requirement.Key} in ({string.Join(",", requirement.Values ?? [])})",
        "NotIn" => $"{requirement.Key} notin ({string.Join(",", requirement.Values ?? [])})",
        "Exists" => requirement.Key ?? "",
        "DoesNotExist" => $"!{requirement.Key}",
        _ => $"{requirement.Key} {requirement.OperatorProperty} ({string.Join(",", requirement.Values ?? [])})",
    };
}
