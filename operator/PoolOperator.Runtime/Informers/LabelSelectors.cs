using System.Globalization;
using k8s.Models;

namespace PoolOperator.Runtime.Informers;

/// <summary>Label selectors evaluated and rendered the way the apiserver does (apimachinery's LabelSelectorAsSelector).</summary>
public static class LabelSelectors
{
    /// <summary>
    /// Whether <paramref name="labels"/> satisfy every matchLabels entry and every matchExpressions requirement
    /// (In, NotIn, Exists, DoesNotExist). A null selector matches nothing and an empty one everything; an operator
    /// the apiserver would refuse matches nothing.
    /// </summary>
    public static bool Matches(V1LabelSelector? selector, IDictionary<string, string>? labels)
    {
        if (selector is null)
        {
            return false;
        }

        if (selector.MatchLabels is { } matchLabels)
        {
            foreach (var (key, value) in matchLabels)
            {
                if (labels is null || !labels.TryGetValue(key, out var actual) || actual != value)
                {
                    return false;
                }
            }
        }

        if (selector.MatchExpressions is { } expressions)
        {
            foreach (var requirement in expressions)
            {
                if (!Matches(requirement, labels))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// The selector as a labelSelector query parameter, such as <c>app=web,track in (v1,v2),!canary</c>; an empty
    /// selector renders as the empty string, which selects everything.
    /// </summary>
    /// <exception cref="ArgumentException">A requirement has an operator the apiserver does not know.</exception>
    public static string ToQuery(V1LabelSelector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var parts = new List<string>();
        if (selector.MatchLabels is { } matchLabels)
        {
            parts.AddRange(matchLabels.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}"));
        }

        if (selector.MatchExpressions is { } expressions)
        {
            parts.AddRange(expressions.Select(ToQuery));
        }

        return string.Join(",", parts);
    }

    /// <summary>
    /// The selector's requirements in a canonical form (matchLabels entries as single-value In, values sorted), so two
    /// selectors that say the same thing compare equal and one whose requirements include another's is narrower.
    /// A null selector has no requirements.
    /// </summary>
    internal static SortedSet<string> CanonicalRequirements(V1LabelSelector? selector)
    {
        var requirements = new SortedSet<string>(StringComparer.Ordinal);
        if (selector is null)
        {
            return requirements;
        }

        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            requirements.Add(string.Create(CultureInfo.InvariantCulture, $"{key} in ({value})"));
        }

        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            var values = (requirement.Values ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            requirements.Add(requirement.OperatorProperty switch
            {
                "In" => $"{requirement.Key} in ({string.Join(",", values)})",
                "NotIn" => $"{requirement.Key} notin ({string.Join(",", values)})",
                "Exists" => requirement.Key ?? string.Empty,
                "DoesNotExist" => $"!{requirement.Key}",
                _ => $"{requirement.Key} {requirement.OperatorProperty} ({string.Join(",", values)})",
            });
        }

        return requirements;
    }

    private static bool Matches(V1LabelSelectorRequirement requirement, IDictionary<string, string>? labels)
    {
        string? value = null;
        var has = labels is not null && labels.TryGetValue(requirement.Key ?? string.Empty, out value);
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

    private static string ToQuery(V1LabelSelectorRequirement requirement) => requirement.OperatorProperty switch
    {
        "In" => $"{requirement.Key} in ({string.Join(",", requirement.Values ?? [])})",
        "NotIn" => $"{requirement.Key} notin ({string.Join(",", requirement.Values ?? [])})",
        "Exists" => requirement.Key ?? string.Empty,
        "DoesNotExist" => $"!{requirement.Key}",
        _ => throw new ArgumentException(
            $"Label selector operator '{requirement.OperatorProperty}' of key '{requirement.Key}' is not In, NotIn, Exists or DoesNotExist.",
            nameof(requirement)),
    };
}
