using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// PoolMigrations that pass the CRD schema but must be refused, beyond those of <see cref="SemanticValidationTests"/>
/// and the schema manifests. Pools other than <c>pool</c> are arranged by <see cref="BadInputTests"/>.
/// </summary>
internal static class BadInputCases
{
    private const string Query = "sum(rate(errors_total[1m]))";
    private const string Nowhere = "http://127.0.0.1:9";

    public static IReadOnlyList<BadInputCase> All { get; } =
    [
        // The cluster: Deployments and their selectors.
        new("v1-missing", "spec.v1.deployment", "Deployment \"ghost-v1\" not found", spec => spec.V1.Deployment = "ghost-v1"),
        new("v2-selects-v1-pods", "spec.v2.deployment", "the selector of V2 Deployment \"lap-v2\" (app=lap) matches the pod labels of V1", _ => { }, Pool: "lap"),

        // Stages.
        new("weights-go-down-at-stage-2", "spec.stages[2].weight", "weights must not decrease: 10 comes after weight 50 of spec.stages[1]", spec =>
            spec.Stages = [Stages.Weighted("canary", 5), Stages.Weighted("half", 50), Stages.Weighted("back", 10), Stages.Weighted("full", 100)]),
        new("last-stage-shadows", "spec.stages[0]", "the last stage must send all traffic to V2 (weight 100), not shadow it", spec =>
        {
            spec.Stages = [Stages.Shadow("shadow", 100)];
            spec.TrafficRouting = new TrafficRoutingSpec { Flags = new FlagsRouting { ConfigMap = "pool-flags" } };
        }),
        new("shadow-without-mirroring-path", "spec.stages[0].shadow", "a shadow stage needs a path that copies traffic to V2", spec =>
            spec.Stages = [Stages.Shadow("shadow", 100), Stages.Weighted("full", 100)]),
        new("gateway-shadow-share", "spec.stages[0].shadow.percent", "must be 100 with spec.trafficRouting.gatewayAPI, got 50", spec =>
        {
            spec.Stages = [Stages.Shadow("shadow", 50), Stages.Weighted("full", 100)];
            spec.TrafficRouting = new TrafficRoutingSpec { GatewayApi = Gateway("pool-route") };
        }),

        // Analysis settings and bounds.
        new("interval-zero", "spec.analysis.interval", "must be longer than 0, got \"0s\"", spec => spec.Analysis!.Interval = "0s"),
        new("min-above-max", "spec.analysis.checks[0].min", "min 0.5 is greater than max 0.1, so the check could never pass", spec =>
            Checks(spec, Prometheus(check => (check.Min, check.Max) = (0.5, 0.1)))),
        new("no-bound", "spec.analysis.checks[0]", "has no bound; set at least one of min, max, maxRatio or maxDelta", spec =>
            Checks(spec, Prometheus(check => check.Max = null))),
        new("max-ratio-without-baseline", "spec.analysis.checks[0].prometheus.baselineQuery", "is required by maxRatio", spec =>
            Checks(spec, Prometheus(check => check.MaxRatio = 1.2))),
        new("max-delta-without-baseline", "spec.analysis.checks[0].prometheus.baselineQuery", "is required by maxDelta", spec =>
            Checks(spec, Prometheus(check => check.MaxDelta = 0.05))),
        new("baseline-without-comparison", "spec.analysis.checks[0].prometheus.baselineQuery", "is only used by maxRatio and maxDelta", spec =>
            Checks(spec, Prometheus(check => check.Prometheus!.BaselineQuery = Query))),
        new("blank-query", "spec.analysis.checks[0].prometheus.query", "is required: a PromQL query", spec =>
            Checks(spec, Prometheus(check => check.Prometheus!.Query = "   "))),
        new("blank-baseline", "spec.analysis.checks[0].prometheus.baselineQuery", "must not be empty when set", spec =>
            Checks(spec, Prometheus(check => (check.Prometheus!.BaselineQuery, check.MaxRatio) = (" ", 1.2)))),
        new("webhook-with-bound", "spec.analysis.checks[0].max", "a webhook check passes on a 2xx answer and fails otherwise", spec =>
            Checks(spec, Webhook(check => check.Max = 1))),
        new("shadow-comparison-with-bound", "spec.analysis.checks[0].min", "a shadowComparison check passes when", spec =>
            Checks(spec, ShadowComparison(check => check.Min = 0))),

        // Addresses the schema's pattern lets through.
        new("webhook-url-without-host", "spec.analysis.checks[0].webhook.url", "\"http://:8080/run\" is not an absolute http or https URL", spec =>
            Checks(spec, Webhook(check => check.Webhook!.Url = "http://:8080/run"))),
        new("webhook-port-out-of-range", "spec.analysis.checks[0].webhook.url", "\"https://smoke:99999/run\" is not an absolute http or https URL", spec =>
            Checks(spec, Webhook(check => check.Webhook!.Url = "https://smoke:99999/run"))),
        new("prometheus-address-without-host", "spec.analysis.checks[0].prometheus.address", "\"http://:9090\" is not an absolute http or https URL", spec =>
            Checks(spec, Prometheus(check => check.Prometheus!.Address = "http://:9090"))),
        new("prometheus-address-broken-ipv6", "spec.analysis.checks[0].prometheus.address", "\"http://[::1:9090\" is not an absolute http or https URL", spec =>
            Checks(spec, Prometheus(check => check.Prometheus!.Address = "http://[::1:9090"))),
        new("shadow-comparison-address-without-host", "spec.analysis.checks[0].shadowComparison.prometheus.address", "\"https://:9090\" is not an absolute http or https URL", spec =>
            Checks(spec, ShadowComparison(check => check.ShadowComparison!.Prometheus!.Address = "https://:9090"))),
        new("shadow-comparison-window-zero", "spec.analysis.checks[0].shadowComparison.window", "\"0s\" is not a duration longer than 0", spec =>
            Checks(spec, ShadowComparison(check => check.ShadowComparison!.Window = "0s"))),

        // Credentials: two that cannot go together, and references to objects or keys that do not exist.
        new("bearer-and-basic-auth", "spec.analysis.checks[0].prometheus.basicAuthSecretRef", "set either bearerTokenSecretRef or basicAuthSecretRef, not both", spec =>
            Checks(spec, Prometheus(check => (check.Prometheus!.BearerTokenSecretRef, check.Prometheus.BasicAuthSecretRef) = (Key("prom-reader", "token"), new() { Name = "prom-basic" })))),
        new("ca-secret-and-configmap", "spec.analysis.checks[0].prometheus.caConfigMapRef", "set either caSecretRef or caConfigMapRef, not both", spec =>
            Checks(spec, Prometheus(check => (check.Prometheus!.CaSecretRef, check.Prometheus.CaConfigMapRef) = (Key("prom-ca", "ca.crt"), new() { Name = "prom-ca", Key = "ca.crt" })))),
        new("shadow-comparison-bearer-and-basic-auth", "spec.analysis.checks[0].shadowComparison.prometheus.basicAuthSecretRef",
            "set either prometheus.bearerTokenSecretRef or prometheus.basicAuthSecretRef, not both", spec =>
            Checks(spec, ShadowComparison(check => (check.ShadowComparison!.Prometheus!.BearerTokenSecretRef, check.ShadowComparison.Prometheus.BasicAuthSecretRef) = (Key("prom-reader", "token"), new() { Name = "prom-basic" })))),
        new("missing-secret", "spec.analysis.checks[0].prometheus.bearerTokenSecretRef", "secret 'nobody-made-this' not found in namespace", spec =>
            Checks(spec, Prometheus(check => check.Prometheus!.BearerTokenSecretRef = Key("nobody-made-this", "token")))),
        new("missing-secret-key", "spec.analysis.checks[0].prometheus.bearerTokenSecretRef", "secret 'prom-reader' has no key 'tokn'", spec =>
            Checks(spec, Prometheus(check => check.Prometheus!.BearerTokenSecretRef = Key("prom-reader", "tokn")))),
        new("empty-secret-key", "spec.analysis.checks[0].prometheus.bearerTokenSecretRef", "key 'blank' of secret 'prom-reader' is empty", spec =>
            Checks(spec, Prometheus(check => check.Prometheus!.BearerTokenSecretRef = Key("prom-reader", "blank")))),
        new("basic-auth-without-password", "spec.analysis.checks[0].prometheus.basicAuthSecretRef", "secret 'basic-half' has no key 'password'", spec =>
            Checks(spec, Prometheus(check => check.Prometheus!.BasicAuthSecretRef = new() { Name = "basic-half" }))),
        new("missing-ca-configmap", "spec.analysis.checks[0].prometheus.caConfigMapRef", "configmap 'no-such-ca' not found in namespace", spec =>
            Checks(spec, Prometheus(check => check.Prometheus!.CaConfigMapRef = new() { Name = "no-such-ca", Key = "ca.crt" }))),
        new("ca-secret-not-pem", "spec.analysis.checks[0].prometheus.caSecretRef", "key 'token' of secret 'prom-reader' holds no PEM certificate", spec =>
            Checks(spec, Prometheus(check => check.Prometheus!.CaSecretRef = Key("prom-reader", "token")))),
        new("webhook-missing-token-key", "spec.analysis.checks[0].webhook.bearerTokenSecretRef", "secret 'prom-reader' has no key 'smoke'", spec =>
            Checks(spec, Webhook(check => check.Webhook!.BearerTokenSecretRef = Key("prom-reader", "smoke")))),
        new("shadow-comparison-missing-secret", "spec.analysis.checks[0].shadowComparison.prometheus.bearerTokenSecretRef", "secret 'gone' not found", spec =>
            Checks(spec, ShadowComparison(check => check.ShadowComparison!.Prometheus!.BearerTokenSecretRef = Key("gone", "token")))),
        new("second-check-missing-secret", "spec.analysis.checks[1].prometheus.bearerTokenSecretRef", "secret 'gone' not found", spec =>
            Checks(spec, Prometheus(), Prometheus(check => (check.Name, check.Prometheus!.BearerTokenSecretRef) = ("latency", Key("gone", "token"))))),
        new("maxratio-and-maxdelta-without-baseline", "spec.analysis.checks[0].prometheus.baselineQuery", "is required by maxRatio and maxDelta", spec =>
            Checks(spec, Prometheus(check => (check.MaxRatio, check.MaxDelta) = (1.5, 0.1)))),
        new("flags-and-gateway-shadow-share", "spec.stages[0].shadow.percent", "must be 100 with spec.trafficRouting.gatewayAPI, got 10", spec =>
        {
            spec.Stages = [Stages.Shadow("shadow", 10), Stages.Weighted("full", 100)];
            spec.TrafficRouting = new TrafficRoutingSpec { Flags = new FlagsRouting { ConfigMap = "pool-flags" }, GatewayApi = Gateway("pool-route") };
        }),
        new("shadow-after-shadow-after-traffic", "spec.stages[2].shadow", "a shadow stage must come before any stage that sends traffic to V2, but spec.stages[1] already has weight 5", spec =>
        {
            spec.Stages = [Stages.Shadow("look", 100), Stages.Weighted("canary", 5), Stages.Shadow("look-again", 100), Stages.Weighted("full", 100)];
            spec.TrafficRouting = new TrafficRoutingSpec { Flags = new FlagsRouting { ConfigMap = "pool-flags" } };
        }),

        // Traffic routing.
        new("gateway-same-service", "spec.trafficRouting.gatewayAPI.v2Service", "v1Service and v2Service are the same Service \"pool\"", spec =>
            spec.TrafficRouting = new TrafficRoutingSpec { GatewayApi = new GatewayApiRouting { HttpRoute = "pool-route", V1Service = "pool", V2Service = "pool" } }),
        new("gateway-route-missing", "spec.trafficRouting.gatewayAPI.httpRoute", "HTTPRoute \"no-route\" not found in namespace", spec =>
            spec.TrafficRouting = new TrafficRoutingSpec { GatewayApi = Gateway("no-route") }),
        new("gateway-route-without-v1-backend", "spec.trafficRouting.gatewayAPI.v1Service", "HTTPRoute \"elsewhere\" has no rule with a backendRef to Service \"pool-v1\"", spec =>
            spec.TrafficRouting = new TrafficRoutingSpec { GatewayApi = Gateway("elsewhere") }),
        new("flags-empty-session-id", "spec.trafficRouting.flags.overrides", "session ids must not be empty", spec =>
            spec.TrafficRouting = new TrafficRoutingSpec { Flags = new FlagsRouting { ConfigMap = "pool-flags", Overrides = new Dictionary<string, string> { [""] = "v2" } } }),

        // Notifications.
        new("notification-targets-share-a-name", "spec.notifications.targets[1].name", "\"team\" names two targets; names must be unique", spec =>
            spec.Notifications = new NotificationsSpec { Targets = [Target("team"), Target("team")] }),

        // HorizontalPodAutoscalers (arranged on pools of their own).
        new("hpa-on-v2-at-zero", "spec.v2.deployment", "V2 Deployment \"hpa2-v2\" stands at 0 replicas and HorizontalPodAutoscaler hpa2-v2 scales it", _ => { }, Pool: "hpa2"),
        new("two-hpas-on-v1", "spec.v1.deployment", "HorizontalPodAutoscalers", _ => { }, Pool: "hpatwo"),
        new("replicas-with-hpas", "spec.replicas", "must be unset when a HorizontalPodAutoscaler scales V1 (got 6)", spec => spec.Replicas = 6, Pool: "hparep"),
        new("hpa-too-small-for-weight", "spec.stages[0].weight", "V1's HorizontalPodAutoscaler hpasmall-v1 has maxReplicas 2, which cannot be split for weight 75", spec =>
            spec.Stages = [Stages.Weighted("most", 75), Stages.Weighted("full", 100)], Pool: "hpasmall"),
    ];

    private static void Checks(PoolMigrationSpec spec, params AnalysisCheck[] checks) => spec.Analysis!.Checks = checks;

    private static AnalysisCheck Prometheus(Action<AnalysisCheck>? change = null)
    {
        var check = new AnalysisCheck { Name = "errors", Prometheus = new PrometheusCheck { Address = Nowhere, Query = Query }, Max = 0.01 };
        change?.Invoke(check);
        return check;
    }

    private static AnalysisCheck Webhook(Action<AnalysisCheck>? change = null)
    {
        var check = new AnalysisCheck { Name = "smoke", Webhook = new WebhookCheck { Url = Nowhere + "/run" } };
        change?.Invoke(check);
        return check;
    }

    private static AnalysisCheck ShadowComparison(Action<AnalysisCheck>? change = null)
    {
        var check = new AnalysisCheck
        {
            Name = "agreement",
            ShadowComparison = new ShadowComparisonCheck { MaxMismatchRatio = 0.01, Prometheus = new PrometheusEndpoint { Address = Nowhere } },
        };
        change?.Invoke(check);
        return check;
    }

    private static SecretKeyReference Key(string name, string key) => new() { Name = name, Key = key };

    private static GatewayApiRouting Gateway(string route) => new() { HttpRoute = route, V1Service = "pool-v1", V2Service = "pool-v2" };

    private static NotificationTarget Target(string name) => new() { Name = name, Type = "webhook", UrlSecretRef = new SecretKeyReference { Name = "hooks", Key = "url" } };
}
