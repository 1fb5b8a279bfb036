using PoolOperator.Api.V1Alpha1;
using PoolOperator.Validation;
using Xunit;
using static PoolOperator.UnitTests.Validation.ValidSpecs;

namespace PoolOperator.UnitTests.Validation;

public sealed class SpecValidatorTests
{
    [Fact]
    public void The_contracts_full_example_is_valid() => Assert.Empty(SpecValidator.Validate(Full()));

    [Fact]
    public void A_single_full_weight_stage_with_defaults_is_valid() => Assert.Empty(SpecValidator.Validate(Minimal()));

    [Fact]
    public void Every_problem_is_reported_not_just_the_first()
    {
        var spec = Full();
        spec.Replicas = 0;
        spec.Stages[1].Weight = 101;
        spec.TrafficRouting!.Flags!.ConfigMap = "";

        var fields = SpecValidator.Validate(spec).Select(error => error.Field).ToList();

        Assert.Equal(["spec.replicas", "spec.stages[1].weight", "spec.trafficRouting.flags.configMap"], fields);
    }

    // --- v1 / v2

    [Fact]
    public void Missing_v1_is_reported()
    {
        var spec = Minimal();
        spec.V1 = null!;

        AssertOnlyError(spec, "spec.v1", "required");
    }

    [Fact]
    public void Empty_v2_deployment_is_reported() =>
        AssertOnlyError(With(spec => spec.V2.Deployment = ""), "spec.v2.deployment", "required");

    [Theory]
    [InlineData("Session-Pool")]
    [InlineData("session_pool")]
    [InlineData("-session-pool")]
    [InlineData("session-pool-")]
    [InlineData("session pool")]
    [InlineData("session-pool\n")]
    public void A_deployment_name_that_is_not_a_dns_subdomain_is_reported(string name) =>
        AssertOnlyError(With(spec => spec.V1.Deployment = name), "spec.v1.deployment", "not a valid Deployment name");

    [Fact]
    public void A_deployment_name_longer_than_253_characters_is_reported() =>
        AssertOnlyError(With(spec => spec.V2.Deployment = new string('a', 254)), "spec.v2.deployment", "at most 253");

    [Fact]
    public void A_dotted_deployment_name_of_253_characters_is_valid() =>
        Assert.Empty(SpecValidator.Validate(With(spec => spec.V2.Deployment = string.Join('.', [.. Enumerable.Repeat(new string('a', 63), 3), new string('b', 61)]))));

    [Fact]
    public void V1_and_v2_naming_the_same_deployment_is_reported() =>
        AssertOnlyError(With(spec => spec.V2.Deployment = "session-pool-v1"), "spec.v2.deployment", "same Deployment \"session-pool-v1\"");

    // --- top-level numbers

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Replicas_below_one_are_reported(int replicas) =>
        AssertOnlyError(With(spec => spec.Replicas = replicas), "spec.replicas", $"got {replicas}");

    [Fact]
    public void Replicas_may_be_left_to_default() => Assert.Empty(SpecValidator.Validate(With(spec => spec.Replicas = null)));

    [Fact]
    public void A_progress_deadline_below_one_second_is_reported() =>
        AssertOnlyError(With(spec => spec.ProgressDeadlineSeconds = 0), "spec.progressDeadlineSeconds", "at least 1");

    [Fact]
    public void A_negative_scale_down_delay_is_reported() =>
        AssertOnlyError(With(spec => spec.Rollback!.ScaleDownDelaySeconds = -1), "spec.rollback.scaleDownDelaySeconds", "at least 0");

    [Fact]
    public void A_negative_rollback_window_is_reported() =>
        AssertOnlyError(With(spec => spec.Completion!.RollbackWindowSeconds = -5), "spec.completion.rollbackWindowSeconds", "at least 0");

    [Fact]
    public void Zero_delays_are_valid() => Assert.Empty(SpecValidator.Validate(With(spec =>
    {
        spec.Rollback!.ScaleDownDelaySeconds = 0;
        spec.Completion!.RollbackWindowSeconds = 0;
    })));

    // --- stages: count and names

    [Fact]
    public void No_stages_is_reported() => AssertOnlyError(WithStages(), "spec.stages", "at least one stage");

    [Fact]
    public void Null_stages_is_reported()
    {
        var spec = Minimal();
        spec.Stages = null!;

        AssertOnlyError(spec, "spec.stages", "at least one stage");
    }

    [Fact]
    public void Twenty_stages_are_valid() =>
        Assert.Empty(SpecValidator.Validate(WithStages([.. Enumerable.Range(1, 20).Select(i => Weight($"s{i}", i * 5))])));

    [Fact]
    public void Twenty_one_stages_are_reported() =>
        AssertOnlyError(WithStages([.. Enumerable.Range(1, 21).Select(i => Weight($"s{i}", Math.Min(100, i * 5)))]), "spec.stages", "at most 20 stages");

    [Fact]
    public void A_null_stage_is_reported() =>
        Assert.Contains(SpecValidator.Validate(WithStages(null!, Weight("full", 100))), error => error.Field == "spec.stages[0]");

    [Fact]
    public void A_stage_without_name_is_reported() =>
        AssertOnlyError(WithStages(Weight("", 10), Weight("full", 100)), "spec.stages[0].name", "required");

    [Theory]
    [InlineData("Canary")]
    [InlineData("canary 5")]
    [InlineData("canary.5")]
    [InlineData("canary_5")]
    [InlineData("-canary")]
    public void A_stage_name_that_is_not_a_dns_label_is_reported(string name) =>
        AssertOnlyError(WithStages(Weight(name, 10), Weight("full", 100)), "spec.stages[0].name", "not a valid stage name");

    [Fact]
    public void A_stage_name_of_64_characters_is_reported() =>
        AssertOnlyError(WithStages(Weight(new string('a', 64), 10), Weight("full", 100)), "spec.stages[0].name", "at most 63");

    [Fact]
    public void A_duplicate_stage_name_names_the_first_use() =>
        AssertOnlyError(WithStages(Weight("canary", 10), Weight("canary", 50), Weight("full", 100)), "spec.stages[1].name", "already used by spec.stages[0]");

    // --- stages: weight and shadow

    [Theory]
    [InlineData(101)]
    [InlineData(-1)]
    public void A_weight_outside_0_to_100_is_reported(int weight) =>
        AssertOnlyError(WithStages(Weight("canary", weight), Weight("full", 100)), "spec.stages[0].weight", "between 0 and 100");

    [Theory]
    [InlineData(150)]
    [InlineData(-1)]
    public void A_shadow_percent_outside_0_to_100_is_reported(int percent) =>
        AssertOnlyError(WithStages(Shadow("shadow", percent), Weight("full", 100)), "spec.stages[0].shadow.percent", "between 0 and 100");

    [Fact]
    public void A_stage_with_both_weight_and_shadow_is_reported() =>
        AssertOnlyError(WithStages(new() { Name = "odd", Weight = 10, Shadow = new() { Percent = 50 } }, Weight("full", 100)), "spec.stages[0]", "both weight and shadow");

    [Fact]
    public void A_stage_with_neither_weight_nor_shadow_is_reported() =>
        AssertOnlyError(WithStages(new() { Name = "empty", Duration = "5m" }, Weight("full", 100)), "spec.stages[0]", "neither weight nor shadow");

    [Fact]
    public void A_decreasing_weight_is_reported_with_the_stage_it_follows() =>
        AssertOnlyError(WithStages(Weight("a", 25), Weight("b", 5), Weight("full", 100)), "spec.stages[1].weight", "5 comes after weight 25 of spec.stages[0]");

    [Fact]
    public void Equal_consecutive_weights_are_valid() =>
        Assert.Empty(SpecValidator.Validate(WithStages(Weight("a", 25), Weight("b", 25), Weight("full", 100))));

    [Fact]
    public void Shadow_stages_count_as_weight_zero() =>
        Assert.Empty(SpecValidator.Validate(Flagged(WithStages(Weight("warm", 0), Shadow("shadow-10", 10), Shadow("shadow-100", 100), Weight("full", 100)))));

    [Fact]
    public void A_shadow_stage_after_traffic_reached_v2_is_reported_once() =>
        AssertOnlyError(Flagged(WithStages(Weight("canary", 5), Shadow("shadow", 100), Weight("full", 100))), "spec.stages[1].shadow", "spec.stages[0] already has weight 5");

    [Fact]
    public void A_last_stage_below_100_is_reported() =>
        AssertOnlyError(WithStages(Weight("canary", 10), Weight("half", 50)), "spec.stages[1].weight", "last stage must have weight 100, got 50");

    [Fact]
    public void A_last_stage_that_shadows_is_reported() =>
        AssertOnlyError(Flagged(WithStages(Shadow("shadow", 100))), "spec.stages[0]", "last stage must send all traffic to V2");

    // --- stages: a shadow stage needs a mirroring path

    [Fact]
    public void A_shadow_stage_without_flags_or_a_route_is_invalid_and_says_what_to_configure()
    {
        var error = Assert.Single(SpecValidator.Validate(WithStages(Shadow("shadow", 100), Weight("full", 100))));

        Assert.Equal("spec.stages[0].shadow", error.Field);
        Assert.Contains("spec.trafficRouting.gatewayAPI", error.Message, StringComparison.Ordinal);
        Assert.Contains("spec.trafficRouting.flags", error.Message, StringComparison.Ordinal);
        Assert.Contains("live requests", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shadow_stage_with_flags_alone_may_sample_a_share() =>
        Assert.Empty(SpecValidator.Validate(Flagged(WithStages(Shadow("shadow", 25), Weight("full", 100)))));

    [Fact]
    public void A_shadow_stage_with_a_route_alone_is_valid_at_100_percent()
    {
        var spec = WithStages(Shadow("shadow", 100), Weight("full", 100));
        spec.TrafficRouting = new() { GatewayApi = new() { HttpRoute = "session-pool", V1Service = "session-pool-v1", V2Service = "session-pool-v2" } };

        Assert.Empty(SpecValidator.Validate(spec));
    }

    [Fact]
    public void A_shadow_share_below_100_with_a_route_is_invalid_because_a_mirror_copies_every_request()
    {
        var spec = Full();
        spec.Stages[0].Shadow!.Percent = 50;

        AssertOnlyError(spec, "spec.stages[0].shadow.percent", "RequestMirror filter copies every request");
    }

    [Fact]
    public void A_shadow_stage_at_0_percent_copies_nothing_and_needs_no_path() =>
        Assert.Empty(SpecValidator.Validate(WithStages(Shadow("shadow", 0), Weight("full", 100))));

    // --- stages: duration and approval

    [Theory]
    [InlineData("5 minutes")]
    [InlineData("5")]
    [InlineData("-5m")]
    [InlineData("1d")]
    [InlineData("")]
    public void An_unparsable_duration_is_reported(string duration) =>
        AssertOnlyError(With(spec => spec.Stages[0].Duration = duration), "spec.stages[0].duration", "not a duration");

    [Theory]
    [InlineData("500ms")]
    [InlineData("30s")]
    [InlineData("1h30m")]
    [InlineData("1.5h")]
    [InlineData("0s")]
    public void Go_style_durations_are_valid(string duration) =>
        Assert.Empty(SpecValidator.Validate(With(spec => spec.Stages[0].Duration = duration)));

    [Theory]
    [InlineData("Maybe")]
    [InlineData("required")]
    [InlineData("")]
    public void An_approval_other_than_required_or_none_is_reported(string approval) =>
        AssertOnlyError(With(spec => spec.Stages[0].Approval = approval), "spec.stages[0].approval", "must be Required or None");

    [Theory]
    [InlineData("Required")]
    [InlineData("None")]
    public void Approval_required_and_none_are_valid(string approval) =>
        Assert.Empty(SpecValidator.Validate(With(spec => spec.Stages[0].Approval = approval)));

    // --- analysis

    [Theory]
    [InlineData("fast", "not a duration")]
    [InlineData("30", "not a duration")]
    [InlineData("0s", "longer than 0")]
    [InlineData("0ms", "longer than 0")]
    public void A_bad_analysis_interval_is_reported(string interval, string message) =>
        AssertOnlyError(With(spec => spec.Analysis!.Interval = interval), "spec.analysis.interval", message);

    [Fact]
    public void A_failure_limit_of_zero_is_reported() =>
        AssertOnlyError(With(spec => spec.Analysis!.FailureLimit = 0), "spec.analysis.failureLimit", "at least 1");

    [Fact]
    public void An_inconclusive_limit_of_zero_is_reported() =>
        AssertOnlyError(With(spec => spec.Analysis!.InconclusiveLimit = 0), "spec.analysis.inconclusiveLimit", "at least 1");

    [Fact]
    public void Analysis_without_checks_is_valid() =>
        Assert.Empty(SpecValidator.Validate(With(spec => spec.Analysis = new() { Checks = null! })));

    [Fact]
    public void A_check_without_name_is_reported() =>
        AssertOnlyError(With(spec => spec.Analysis!.Checks[2].Name = ""), "spec.analysis.checks[2].name", "required");

    [Fact]
    public void A_check_name_that_is_not_a_dns_label_is_reported() =>
        AssertOnlyError(With(spec => spec.Analysis!.Checks[0].Name = "Error Rate"), "spec.analysis.checks[0].name", "not a valid check name");

    [Fact]
    public void A_duplicate_check_name_names_the_first_use() =>
        AssertOnlyError(With(spec => spec.Analysis!.Checks[2].Name = "v2-error-rate"), "spec.analysis.checks[2].name", "already used by spec.analysis.checks[0]");

    [Fact]
    public void A_null_check_is_reported() =>
        AssertOnlyError(With(spec => spec.Analysis!.Checks[1] = null!), "spec.analysis.checks[1]", "null");

    [Fact]
    public void A_check_with_two_providers_is_reported() =>
        AssertOnlyError(WithCheck(new() { Name = "c", Prometheus = new() { Query = "up" }, Webhook = new() { Url = "http://smoke/run" }, Max = 1 }),
            "spec.analysis.checks[0]", "both prometheus and webhook");

    [Fact]
    public void A_check_without_provider_is_reported() =>
        AssertOnlyError(WithCheck(new() { Name = "c", Max = 1 }), "spec.analysis.checks[0]", "none of prometheus, webhook or shadowComparison");

    [Fact]
    public void A_prometheus_check_without_bound_is_reported() =>
        AssertOnlyError(WithCheck(new() { Name = "c", Prometheus = new() { Query = "up" } }), "spec.analysis.checks[0]", "no bound");

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_prometheus_query_is_reported(string query) =>
        AssertOnlyError(WithCheck(new() { Name = "c", Prometheus = new() { Query = query }, Max = 1 }), "spec.analysis.checks[0].prometheus.query", "required");

    [Fact]
    public void Min_and_max_alone_are_valid_bounds()
    {
        Assert.Empty(SpecValidator.Validate(WithCheck(new() { Name = "c", Prometheus = new() { Query = "up" }, Min = 1 })));
        Assert.Empty(SpecValidator.Validate(WithCheck(new() { Name = "c", Prometheus = new() { Query = "up" }, Max = 1 })));
    }

    [Fact]
    public void Min_greater_than_max_is_reported() =>
        AssertOnlyError(WithCheck(new() { Name = "c", Prometheus = new() { Query = "up" }, Min = 2, Max = 1 }), "spec.analysis.checks[0].min", "could never pass");

    [Fact]
    public void Max_ratio_without_baseline_query_is_reported() =>
        AssertOnlyError(WithCheck(new() { Name = "c", Prometheus = new() { Query = "v2" }, MaxRatio = 1.2 }),
            "spec.analysis.checks[0].prometheus.baselineQuery", "required by maxRatio");

    [Fact]
    public void Max_delta_without_baseline_query_is_reported() =>
        AssertOnlyError(WithCheck(new() { Name = "c", Prometheus = new() { Query = "v2" }, MaxDelta = 0.1 }),
            "spec.analysis.checks[0].prometheus.baselineQuery", "required by maxDelta");

    [Fact]
    public void Max_delta_with_baseline_query_is_valid() =>
        Assert.Empty(SpecValidator.Validate(WithCheck(new() { Name = "c", Prometheus = new() { Query = "v2", BaselineQuery = "v1" }, MaxDelta = 0.1 })));

    [Fact]
    public void A_baseline_query_without_comparative_bound_is_reported() =>
        AssertOnlyError(WithCheck(new() { Name = "c", Prometheus = new() { Query = "v2", BaselineQuery = "v1" }, Max = 1 }),
            "spec.analysis.checks[0].prometheus.baselineQuery", "only used by maxRatio and maxDelta");

    [Fact]
    public void An_empty_baseline_query_is_reported() =>
        AssertOnlyError(WithCheck(new() { Name = "c", Prometheus = new() { Query = "v2", BaselineQuery = " " }, MaxRatio = 1.2 }),
            "spec.analysis.checks[0].prometheus.baselineQuery", "must not be empty");

    [Fact]
    public void A_negative_max_ratio_is_reported() =>
        AssertOnlyError(WithCheck(new() { Name = "c", Prometheus = new() { Query = "v2", BaselineQuery = "v1" }, MaxRatio = -1 }),
            "spec.analysis.checks[0].maxRatio", "at least 0");

    [Theory]
    [InlineData("min")]
    [InlineData("maxRatio")]
    public void Bounds_on_a_webhook_check_are_reported(string bound)
    {
        var check = new AnalysisCheck { Name = "smoke", Webhook = new() { Url = "http://smoke/run" } };
        if (bound == "min")
        {
            check.Min = 1;
        }
        else
        {
            check.MaxRatio = 1.2;
        }

        AssertOnlyError(WithCheck(check), $"spec.analysis.checks[0].{bound}", "bounds apply to prometheus checks only");
    }

    [Theory]
    [InlineData("ftp://x")]
    [InlineData("smoke.test.svc/run")]
    [InlineData("/run")]
    [InlineData("http://")]
    [InlineData("http://smoke test/run")]
    [InlineData("http://smoke/run\n")]
    public void A_webhook_url_that_is_not_absolute_http_is_reported(string url) =>
        AssertOnlyError(WithCheck(new() { Name = "smoke", Webhook = new() { Url = url } }), "spec.analysis.checks[0].webhook.url", "not an absolute http or https URL");

    [Fact]
    public void An_empty_webhook_url_is_reported() =>
        AssertOnlyError(WithCheck(new() { Name = "smoke", Webhook = new() { Url = "" } }), "spec.analysis.checks[0].webhook.url", "required");

    [Theory]
    [InlineData("http://smoke/run")]
    [InlineData("https://smoke.test.svc:8443/run?suite=fast#x")]
    [InlineData("http://10.0.0.7:8080")]
    public void Absolute_http_webhook_urls_are_valid(string url) =>
        Assert.Empty(SpecValidator.Validate(WithCheck(new() { Name = "smoke", Webhook = new() { Url = url } })));

    [Fact]
    public void A_prometheus_address_that_is_not_http_is_reported() =>
        AssertOnlyError(WithCheck(new() { Name = "c", Prometheus = new() { Address = "prometheus:9090", Query = "up" }, Max = 1 }),
            "spec.analysis.checks[0].prometheus.address", "not an absolute http or https URL");

    [Theory]
    [InlineData(0)]
    [InlineData(301)]
    public void A_timeout_outside_1_to_300_seconds_is_reported(int timeout)
    {
        AssertOnlyError(WithCheck(new() { Name = "smoke", Webhook = new() { Url = "http://smoke/run", TimeoutSeconds = timeout } }),
            "spec.analysis.checks[0].webhook.timeoutSeconds", "between 1 and 300");
        AssertOnlyError(WithCheck(new() { Name = "c", Prometheus = new() { Query = "up", TimeoutSeconds = timeout }, Max = 1 }),
            "spec.analysis.checks[0].prometheus.timeoutSeconds", "between 1 and 300");
    }

    [Fact]
    public void Secret_references_need_a_valid_name_and_key()
    {
        var check = new AnalysisCheck
        {
            Name = "smoke",
            Webhook = new() { Url = "https://smoke/run", BearerTokenSecretRef = new() { Name = "Token", Key = "" } },
        };

        var errors = SpecValidator.Validate(WithCheck(check));

        Assert.Equal(
            ["spec.analysis.checks[0].webhook.bearerTokenSecretRef.name", "spec.analysis.checks[0].webhook.bearerTokenSecretRef.key"],
            errors.Select(error => error.Field));
    }

    [Fact]
    public void Valid_prometheus_credentials_are_accepted() =>
        Assert.Empty(SpecValidator.Validate(WithCheck(new()
        {
            Name = "c",
            Max = 1,
            Prometheus = new()
            {
                Address = "https://prometheus.monitoring:9090",
                Query = "up",
                BearerTokenSecretRef = new() { Name = "prom-token", Key = "token" },
                CaSecretRef = new() { Name = "prom-ca", Key = "ca.crt" },
            },
        })));

    [Fact]
    public void An_invalid_basic_auth_secret_name_is_reported() =>
        AssertOnlyError(WithCheck(new() { Name = "c", Max = 1, Prometheus = new() { Query = "up", BasicAuthSecretRef = new() { Name = "" } } }),
            "spec.analysis.checks[0].prometheus.basicAuthSecretRef.name", "required");

    // --- traffic routing

    [Fact]
    public void An_empty_flags_config_map_is_reported() =>
        AssertOnlyError(With(spec => spec.TrafficRouting!.Flags!.ConfigMap = ""), "spec.trafficRouting.flags.configMap", "required");

    [Fact]
    public void A_flags_config_map_that_is_not_a_valid_name_is_reported() =>
        AssertOnlyError(With(spec => spec.TrafficRouting!.Flags!.ConfigMap = "Bad_Name"), "spec.trafficRouting.flags.configMap", "not a valid ConfigMap name");

    [Fact]
    public void An_override_other_than_v1_or_v2_names_the_session() =>
        AssertOnlyError(With(spec => spec.TrafficRouting!.Flags!.Overrides!["session-7"] = "v3"),
            "spec.trafficRouting.flags.overrides.session-7", "must be v1 or v2, got \"v3\"");

    [Fact]
    public void An_empty_override_session_id_is_reported() =>
        AssertOnlyError(With(spec => spec.TrafficRouting!.Flags!.Overrides![""] = "v1"), "spec.trafficRouting.flags.overrides", "session ids");

    [Theory]
    [InlineData("httpRoute")]
    [InlineData("v1Service")]
    [InlineData("v2Service")]
    public void An_empty_gateway_api_field_is_reported(string field) =>
        AssertOnlyError(With(spec =>
        {
            var gateway = spec.TrafficRouting!.GatewayApi!;
            _ = field switch
            {
                "httpRoute" => gateway.HttpRoute = "",
                "v1Service" => gateway.V1Service = "",
                _ => gateway.V2Service = "",
            };
        }), $"spec.trafficRouting.gatewayAPI.{field}", "required");

    [Theory]
    [InlineData("1pool")]
    [InlineData("pool.v1")]
    [InlineData("Pool")]
    public void A_service_name_that_is_not_a_dns_1035_label_is_reported(string name) =>
        AssertOnlyError(With(spec => spec.TrafficRouting!.GatewayApi!.V1Service = name), "spec.trafficRouting.gatewayAPI.v1Service", "not a valid Service name");

    [Fact]
    public void The_same_service_for_v1_and_v2_is_reported() =>
        AssertOnlyError(With(spec => spec.TrafficRouting!.GatewayApi!.V2Service = "session-pool-v1"),
            "spec.trafficRouting.gatewayAPI.v2Service", "same Service \"session-pool-v1\"");

    [Fact]
    public void An_invalid_http_route_name_is_reported() =>
        AssertOnlyError(With(spec => spec.TrafficRouting!.GatewayApi!.HttpRoute = "Session Pool"),
            "spec.trafficRouting.gatewayAPI.httpRoute", "not a valid HTTPRoute name");

    private static PoolMigrationSpec With(Action<PoolMigrationSpec> change)
    {
        var spec = Full();
        change(spec);
        return spec;
    }

    private static void AssertOnlyError(PoolMigrationSpec spec, string field, string messageFragment)
    {
        var errors = SpecValidator.Validate(spec);

        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(messageFragment, error.Message, StringComparison.Ordinal);
    }
}
