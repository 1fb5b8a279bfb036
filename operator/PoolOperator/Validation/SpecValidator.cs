using System.Globalization;
using System.Text.RegularExpressions;
using PoolOperator.Core;
using k8s.Models;
using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.Validation;

/// <summary>
/// Checks a PoolMigration spec before anything touches a Deployment. It repeats every rule of the CRD
/// schema, because objects written before the schema, or on clusters that ignore parts of it, still reach
/// the operator, and adds the cross-field rules a 1.20 schema cannot express.
/// </summary>
public static partial class SpecValidator
{
    public const int MaxStages = 20;
    public const int MaxChecks = 50;
    public const int MaxTimeoutSeconds = 300;

    private const string ApprovalRequired = "Required";
    private const string ApprovalNone = "None";

    /// <summary>Every problem of the spec itself; empty when the spec is valid.</summary>
    public static IReadOnlyList<SpecProblem> Validate(PoolMigrationSpec spec) => Validate(spec, AnalysisProviderRegistry.BuiltIn);

    /// <summary>Every problem of the spec itself, checks judged against <paramref name="providers"/>; empty when the spec is valid.</summary>
    internal static IReadOnlyList<SpecProblem> Validate(PoolMigrationSpec spec, AnalysisProviderRegistry providers)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(providers);
        var errors = new List<SpecProblem>();

        var v1 = ValidatePool(spec.V1, "spec.v1", errors);
        var v2 = ValidatePool(spec.V2, "spec.v2", errors);
        if (v1 is not null && v1 == v2)
        {
            errors.Add(new("spec.v2.deployment",
                $"v1 and v2 are the same Deployment \"{v2}\"; a migration moves load between two different Deployments"));
        }

        if (spec.Replicas is < 1)
        {
            errors.Add(new("spec.replicas", $"must be at least 1 (total capacity across both pools), got {spec.Replicas}"));
        }

        if (spec.ProgressDeadlineSeconds is < 1)
        {
            errors.Add(new("spec.progressDeadlineSeconds", $"must be at least 1, got {spec.ProgressDeadlineSeconds}"));
        }

        ValidateStages(spec.Stages, errors);
        ValidateAnalysis(spec.Analysis, providers, errors);

        if (spec.Rollback?.ScaleDownDelaySeconds is < 0)
        {
            errors.Add(new("spec.rollback.scaleDownDelaySeconds", $"must be at least 0, got {spec.Rollback.ScaleDownDelaySeconds}"));
        }

        if (spec.Completion?.RollbackWindowSeconds is < 0)
        {
            errors.Add(new("spec.completion.rollbackWindowSeconds", $"must be at least 0, got {spec.Completion.RollbackWindowSeconds}"));
        }

        ValidateCleanup(spec, errors);
        ValidateFlags(spec.TrafficRouting?.Flags, errors);
        ValidateGatewayApi(spec.TrafficRouting?.GatewayApi, errors);
        ValidateShadowPath(spec, errors);
        NotificationsValidator.Validate(spec.Notifications, errors);
        return errors;
    }

    /// <summary>The cleanup after completion: a known policy, a retention of at least 0, and removals of objects the migration names.</summary>
    private static void ValidateCleanup(PoolMigrationSpec spec, List<SpecProblem> errors)
    {
        if (spec.Completion?.Cleanup is not { } cleanup)
        {
            return;
        }

        const string field = "spec.completion.cleanup";
        if (cleanup.Policy is not (null or CleanupPolicies.ScaleToZero or CleanupPolicies.Delete))
        {
            errors.Add(new($"{field}.policy", $"must be {CleanupPolicies.ScaleToZero} or {CleanupPolicies.Delete}, got \"{cleanup.Policy}\""));
        }

        if (cleanup.RetentionSeconds is < 0)
        {
            errors.Add(new($"{field}.retentionSeconds", $"must be at least 0, got {cleanup.RetentionSeconds}"));
        }

        var deletes = cleanup.Policy == CleanupPolicies.Delete;
        var routing = spec.TrafficRouting;
        foreach (var (name, asked) in new[] { ("deleteV1Service", cleanup.DeleteV1Service), ("deleteFlagsConfigMap", cleanup.DeleteFlagsConfigMap), ("removeV1RouteBackend", cleanup.RemoveV1RouteBackend) })
        {
            if (asked == true && !deletes)
            {
                errors.Add(new($"{field}.{name}", $"applies only with policy {CleanupPolicies.Delete}: with {cleanup.Policy ?? CleanupPolicies.ScaleToZero} the operator deletes nothing"));
            }
        }

        if (cleanup.DeleteFlagsConfigMap == true && routing?.Flags is null)
        {
            errors.Add(new($"{field}.deleteFlagsConfigMap", "there is no flags ConfigMap to delete: spec.trafficRouting.flags is not set"));
        }

        if (cleanup.RemoveV1RouteBackend == true && routing?.GatewayApi is null)
        {
            errors.Add(new($"{field}.removeV1RouteBackend", "there is no HTTPRoute to edit: spec.trafficRouting.gatewayAPI is not set"));
        }

        if (cleanup.DeleteV1Service == true && routing?.GatewayApi is null)
        {
            errors.Add(new($"{field}.deleteV1Service",
                "V1's Service is known only from spec.trafficRouting.gatewayAPI.v1Service, which is not set; delete a per-track Service of your own by hand"));
        }
        else if (cleanup.DeleteV1Service == true && cleanup.RemoveV1RouteBackend != true)
        {
            errors.Add(new($"{field}.deleteV1Service",
                $"needs removeV1RouteBackend: true, or HTTPRoute \"{routing!.GatewayApi!.HttpRoute}\" keeps a backendRef to the deleted Service \"{routing.GatewayApi.V1Service}\""));
        }
    }

    /// <summary>
    /// A shadow stage copies traffic to V2 and lets V2 answer nobody. Only two paths do that: the client SDK reading the
    /// flags ConfigMap (V1 answers, V2 runs beside it), and an HTTPRoute with a RequestMirror filter. With replicas alone
    /// any Service over both pools would let V2 answer live requests.
    /// </summary>
    private static void ValidateShadowPath(PoolMigrationSpec spec, List<SpecProblem> errors)
    {
        var routing = spec.TrafficRouting;
        for (var i = 0; i < (spec.Stages?.Count ?? 0); i++)
        {
            if (spec.Stages![i] is not { Weight: null, Shadow: { Percent: > 0 and <= 100 } shadow })
            {
                continue;
            }

            if (routing?.Flags is null && routing?.GatewayApi is null)
            {
                errors.Add(new($"spec.stages[{i}].shadow",
                    "a shadow stage needs a path that copies traffic to V2 without letting V2 answer: set spec.trafficRouting.gatewayAPI " +
                    "(the operator adds a RequestMirror filter to the HTTPRoute) or spec.trafficRouting.flags (the client SDK runs V2 " +
                    "beside V1 and compares); with replicas alone a Service selecting both pools sends V2 live requests"));
            }
            else if (routing.GatewayApi is not null && shadow.Percent != 100)
            {
                errors.Add(new($"spec.stages[{i}].shadow.percent",
                    $"must be 100 with spec.trafficRouting.gatewayAPI, got {shadow.Percent}: a Gateway API RequestMirror filter copies every " +
                    "request of the route's rule; sample a share of the sessions with the client SDK (spec.trafficRouting.flags alone) instead"));
            }
        }
    }

    /// <summary>
    /// Problems only the cluster reveals: a missing Deployment (null), or two Deployments whose selectors
    /// would each count and scale the other's pods.
    /// </summary>
    public static IReadOnlyList<SpecProblem> ValidateAgainstCluster(PoolMigrationSpec spec, V1Deployment? v1, V1Deployment? v2)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<SpecProblem>();
        if (v1 is null)
        {
            errors.Add(new("spec.v1.deployment", $"Deployment \"{spec.V1?.Deployment}\" does not exist in the migration's namespace"));
        }

        if (v2 is null)
        {
            errors.Add(new("spec.v2.deployment", $"Deployment \"{spec.V2?.Deployment}\" does not exist in the migration's namespace"));
        }

        if (v1 is null || v2 is null || v1.Metadata?.Name == v2.Metadata?.Name)
        {
            return errors;
        }

        var v1Name = v1.Metadata?.Name;
        var v2Name = v2.Metadata?.Name;
        var v1Labels = v1.Spec?.Template?.Metadata?.Labels;
        var v2Labels = v2.Spec?.Template?.Metadata?.Labels;
        if (LabelSelectors.Matches(v1.Spec?.Selector, v2Labels))
        {
            errors.Add(new("spec.v2.deployment",
                $"the selector of V1 Deployment \"{v1Name}\" ({Describe(v1.Spec?.Selector)}) matches the pod labels " +
                $"of V2 Deployment \"{v2Name}\" ({Describe(v2Labels)}); each Deployment must select only its own pods, " +
                "e.g. with a distinct track label"));
        }

        if (LabelSelectors.Matches(v2.Spec?.Selector, v1Labels))
        {
            errors.Add(new("spec.v2.deployment",
                $"the selector of V2 Deployment \"{v2Name}\" ({Describe(v2.Spec?.Selector)}) matches the pod labels " +
                $"of V1 Deployment \"{v1Name}\" ({Describe(v1Labels)}); each Deployment must select only its own pods, " +
                "e.g. with a distinct track label"));
        }

        return errors;
    }

    /// <returns>The Deployment name when it is valid.</returns>
    private static string? ValidatePool(PoolReference? pool, string path, List<SpecProblem> errors)
    {
        if (pool is null)
        {
            errors.Add(new(path, "is required"));
            return null;
        }

        var field = path + ".deployment";
        if (string.IsNullOrEmpty(pool.Deployment))
        {
            errors.Add(new(field, "is required: the name of a Deployment in the migration's namespace"));
            return null;
        }

        if (!KubernetesNames.IsDns1123Subdomain(pool.Deployment))
        {
            errors.Add(new(field, $"\"{pool.Deployment}\" is not a valid Deployment name (a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', at most 253 characters)"));
            return null;
        }

        return pool.Deployment;
    }

    private static void ValidateStages(IList<MigrationStage>? stages, List<SpecProblem> errors)
    {
        if (stages is null || stages.Count == 0)
        {
            errors.Add(new("spec.stages", "at least one stage is required"));
            return;
        }

        if (stages.Count > MaxStages)
        {
            errors.Add(new("spec.stages", $"at most {MaxStages} stages are allowed, got {stages.Count}"));
        }

        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        // The weight and index of the last stage whose weight could be read; shadow stages count as weight 0.
        (int Weight, int Index)? previous = null;
        (int Weight, int Index)? firstTraffic = null;
        for (var i = 0; i < stages.Count; i++)
        {
            var path = $"spec.stages[{i}]";
            var stage = stages[i];
            if (stage is null)
            {
                errors.Add(new(path, "must be a stage, got null"));
                continue;
            }

            ValidateName(stage.Name, path + ".name", "stage", names, i, "spec.stages", errors);

            int? effectiveWeight = null;
            if (stage.Weight is not null && stage.Shadow is not null)
            {
                errors.Add(new(path, "sets both weight and shadow; a stage either sends a share of traffic to V2 (weight) or copies it (shadow)"));
            }
            else if (stage.Weight is null && stage.Shadow is null)
            {
                errors.Add(new(path, "sets neither weight nor shadow; a stage either sends a share of traffic to V2 (weight) or copies it (shadow)"));
            }
            else if (stage.Weight is { } weight)
            {
                if (weight is < 0 or > 100)
                {
                    errors.Add(new(path + ".weight", $"must be between 0 and 100, got {weight}"));
                }
                else
                {
                    effectiveWeight = weight;
                }
            }
            else
            {
                var percent = stage.Shadow!.Percent;
                if (percent is < 0 or > 100)
                {
                    errors.Add(new(path + ".shadow.percent", $"must be between 0 and 100, got {percent}"));
                }

                if (firstTraffic is { } traffic)
                {
                    errors.Add(new(path + ".shadow",
                        $"a shadow stage must come before any stage that sends traffic to V2, but spec.stages[{traffic.Index}] already has weight {traffic.Weight}"));
                }
                else
                {
                    effectiveWeight = 0;
                }
            }

            if (effectiveWeight is { } current)
            {
                if (previous is { } before && current < before.Weight)
                {
                    errors.Add(new(stage.Shadow is null ? path + ".weight" : path,
                        $"weights must not decrease: {current} comes after weight {before.Weight} of spec.stages[{before.Index}]"));
                }

                previous = (current, i);
                if (current > 0 && firstTraffic is null)
                {
                    firstTraffic = (current, i);
                }
            }

            if (stage.Duration is not null && !DurationParser.TryParseDuration(stage.Duration, out _))
            {
                errors.Add(new(path + ".duration", $"\"{stage.Duration}\" is not a duration; use a number with a unit ms, s, m or h, e.g. 30s, 5m, 1h30m"));
            }

            if (stage.Approval is not null and not (ApprovalRequired or ApprovalNone))
            {
                errors.Add(new(path + ".approval", $"must be {ApprovalRequired} or {ApprovalNone}, got \"{stage.Approval}\""));
            }
        }

        var lastIndex = stages.Count - 1;
        var last = stages[lastIndex];
        if (last is null)
        {
            return;
        }

        if (last.Shadow is not null && last.Weight is null)
        {
            errors.Add(new($"spec.stages[{lastIndex}]", "the last stage must send all traffic to V2 (weight 100), not shadow it"));
        }
        else if (last.Weight is { } lastWeight and >= 0 and < 100)
        {
            errors.Add(new($"spec.stages[{lastIndex}].weight", $"the last stage must have weight 100, got {lastWeight}"));
        }
    }

    private static void ValidateAnalysis(AnalysisSpec? analysis, AnalysisProviderRegistry providers, List<SpecProblem> errors)
    {
        if (analysis is null)
        {
            return;
        }

        if (analysis.Interval is not null)
        {
            if (!DurationParser.TryParseDuration(analysis.Interval, out var interval))
            {
                errors.Add(new("spec.analysis.interval", $"\"{analysis.Interval}\" is not a duration; use a number with a unit ms, s, m or h, e.g. 30s, 1m"));
            }
            else if (interval <= TimeSpan.Zero)
            {
                errors.Add(new("spec.analysis.interval", $"must be longer than 0, got \"{analysis.Interval}\""));
            }
        }

        if (analysis.FailureLimit is < 1)
        {
            errors.Add(new("spec.analysis.failureLimit", $"must be at least 1, got {analysis.FailureLimit}"));
        }

        if (analysis.InconclusiveLimit is < 1)
        {
            errors.Add(new("spec.analysis.inconclusiveLimit", $"must be at least 1, got {analysis.InconclusiveLimit}"));
        }

        var checks = analysis.Checks ?? [];
        if (checks.Count > MaxChecks)
        {
            errors.Add(new("spec.analysis.checks", $"at most {MaxChecks} checks are allowed, got {checks.Count}"));
        }

        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < checks.Count; i++)
        {
            var path = $"spec.analysis.checks[{i}]";
            var check = checks[i];
            if (check is null)
            {
                errors.Add(new(path, "must be a check, got null"));
                continue;
            }

            ValidateName(check.Name, path + ".name", "check", names, i, "spec.analysis.checks", errors);
            ValidateCheck(check, path, providers, errors);
        }
    }

    private static void ValidateCheck(AnalysisCheck check, string path, AnalysisProviderRegistry providers, List<SpecProblem> errors)
    {
        var used = providers.UsedBy(check);
        if (used.Count > 1)
        {
            errors.Add(new(path, $"{SetsSeveral(used)}; a check has exactly one provider"));
        }
        else if (used.Count == 0)
        {
            errors.Add(new(path, $"{SetsNone(providers.Descriptors)}; a check has exactly one provider"));
        }

        foreach (var provider in used)
        {
            provider.Validate(new ProviderValidationContext(check, path, provider, used.Count > 1, providers, errors));
        }

        if (check.Min is { } min && check.Max is { } max && min > max)
        {
            errors.Add(new(path + ".min", $"min {Format(min)} is greater than max {Format(max)}, so the check could never pass"));
        }

        if (check.MaxRatio is < 0)
        {
            errors.Add(new(path + ".maxRatio", $"must be at least 0, got {Format(check.MaxRatio.Value)}"));
        }
    }

    private static string SetsSeveral(IReadOnlyList<IAnalysisProviderDescriptor> used) => used.Count == 2
        ? $"sets both {used[0].Name} and {used[1].Name}"
        : $"sets {AnalysisProviderRegistry.JoinNames(used.Select(provider => provider.Name), "and")}";

    private static string SetsNone(IReadOnlyList<IAnalysisProviderDescriptor> registered) => registered.Count switch
    {
        1 => $"does not set {registered[0].Name}",
        2 => $"sets neither {registered[0].Name} nor {registered[1].Name}",
        _ => $"sets none of {AnalysisProviderRegistry.JoinNames(registered.Select(provider => provider.Name), "or")}",
    };

    private static void ValidateFlags(FlagsRouting? flags, List<SpecProblem> errors)
    {
        if (flags is null)
        {
            return;
        }

        if (string.IsNullOrEmpty(flags.ConfigMap))
        {
            errors.Add(new("spec.trafficRouting.flags.configMap", "is required: the ConfigMap the client SDK reads"));
        }
        else if (!KubernetesNames.IsDns1123Subdomain(flags.ConfigMap))
        {
            errors.Add(new("spec.trafficRouting.flags.configMap", NameMessage(flags.ConfigMap, "ConfigMap")));
        }

        foreach (var (session, pin) in flags.Overrides ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrEmpty(session))
            {
                errors.Add(new("spec.trafficRouting.flags.overrides", "session ids must not be empty"));
            }
            else if (pin is not ("v1" or "v2"))
            {
                errors.Add(new($"spec.trafficRouting.flags.overrides.{session}", $"must be v1 or v2, got \"{pin}\""));
            }
        }
    }

    private static void ValidateGatewayApi(GatewayApiRouting? gateway, List<SpecProblem> errors)
    {
        if (gateway is null)
        {
            return;
        }

        const string prefix = "spec.trafficRouting.gatewayAPI";
        if (string.IsNullOrEmpty(gateway.HttpRoute))
        {
            errors.Add(new(prefix + ".httpRoute", "is required: the HTTPRoute whose backend weights the migration sets"));
        }
        else if (!KubernetesNames.IsDns1123Subdomain(gateway.HttpRoute))
        {
            errors.Add(new(prefix + ".httpRoute", NameMessage(gateway.HttpRoute, "HTTPRoute")));
        }

        var v1 = ValidateServiceName(gateway.V1Service, prefix + ".v1Service", errors);
        var v2 = ValidateServiceName(gateway.V2Service, prefix + ".v2Service", errors);
        if (v1 && v2 && gateway.V1Service == gateway.V2Service)
        {
            errors.Add(new(prefix + ".v2Service",
                $"v1Service and v2Service are the same Service \"{gateway.V2Service}\"; each pool needs its own backend"));
        }
    }

    private static bool ValidateServiceName(string? name, string field, List<SpecProblem> errors)
    {
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(new(field, "is required: a Service in the migration's namespace"));
            return false;
        }

        if (!KubernetesNames.IsDns1035Label(name))
        {
            errors.Add(new(field, $"\"{name}\" is not a valid Service name (a DNS-1035 label: lower-case letters, digits and '-', starting with a letter, at most 63 characters)"));
            return false;
        }

        return true;
    }

    private static void ValidateName(string? name, string field, string what, Dictionary<string, int> seen, int index, string listPath,
        List<SpecProblem> errors)
    {
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(new(field, $"is required: every {what} needs a unique name"));
        }
        else if (!KubernetesNames.IsDns1123Label(name))
        {
            errors.Add(new(field, $"\"{name}\" is not a valid {what} name (a DNS-1123 label: lower-case letters, digits and '-', at most 63 characters)"));
        }
        else if (seen.TryGetValue(name, out var first))
        {
            errors.Add(new(field, $"duplicate {what} name \"{name}\", already used by {listPath}[{first}]"));
        }
        else
        {
            seen[name] = index;
        }
    }

    internal static void ValidateTimeout(int? timeoutSeconds, string field, List<SpecProblem> errors)
    {
        if (timeoutSeconds is < 1 or > MaxTimeoutSeconds)
        {
            errors.Add(new(field, $"must be between 1 and {MaxTimeoutSeconds}, got {timeoutSeconds}"));
        }
    }

    internal static void ValidateKeyReference(string? name, string? key, bool present, string path, string kind, List<SpecProblem> errors)
    {
        if (!present)
        {
            return;
        }

        if (!KubernetesNames.IsDns1123Subdomain(name))
        {
            errors.Add(new(path + ".name", NameMessage(name, kind)));
        }

        if (!KubernetesNames.IsDataKey(key))
        {
            errors.Add(new(path + ".key", string.IsNullOrEmpty(key)
                ? $"is required: a key of the {kind}"
                : $"\"{key}\" is not a valid {kind} key (letters, digits, '-', '_' and '.')"));
        }
    }

    internal static string NameMessage(string? name, string kind) => string.IsNullOrEmpty(name)
        ? $"is required: the name of a {kind}"
        : $"\"{name}\" is not a valid {kind} name (a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', at most 253 characters)";

    internal static bool IsHttpUrl(string text) =>
        HttpUrl().IsMatch(text)
        && Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host);

    private static string Describe(V1LabelSelector? selector) => selector switch
    {
        null => "<none>",
        _ when LabelSelectors.ToQuery(selector) is { Length: > 0 } query => query,
        _ => "<everything>",
    };

    private static string Describe(IDictionary<string, string>? labels) =>
        labels is null || labels.Count == 0 ? "<none>" : string.Join(",", labels.Select(pair => $"{pair.Key}={pair.Value}"));

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);

    // The CRD's pattern, with Go's ASCII-only \s spelled out.
    [GeneratedRegex(@"^https?://[^\t\n\f\r /?#]+([/?#][^\t\n\f\r ]*)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex HttpUrl();
}
