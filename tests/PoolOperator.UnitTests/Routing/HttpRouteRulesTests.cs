using System.Text.Json.Nodes;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Routing.GatewayApi;
using Xunit;

namespace PoolOperator.UnitTests.Routing;

public sealed class HttpRouteRulesTests
{
    private static readonly GatewayApiRouting Routing = new() { HttpRoute = "shop", V1Service = "pool-v1", V2Service = "pool-v2" };

    // As users write a route before a migration, with the apiserver's defaults filled in, plus a rule the migration does not own.
    private const string AsWritten = """
        [
          {"matches":[{"path":{"type":"PathPrefix","value":"/"}}],
           "filters":[{"type":"RequestHeaderModifier","requestHeaderModifier":{"set":[{"name":"x-pool","value":"shop"}]}}],
           "backendRefs":[{"group":"","kind":"Service","name":"pool-v1","port":8080,"weight":1}]},
          {"matches":[{"path":{"type":"PathPrefix","value":"/admin"}}],
           "backendRefs":[{"group":"","kind":"Service","name":"admin","port":80,"weight":1}]}
        ]
        """;

    [Fact]
    public void A_weight_stage_adds_v2s_backend_beside_v1_with_the_split()
    {
        var rules = HttpRouteRules.Render(Parse(AsWritten), Routing, TrafficState.Shift(25, 0, Phases.Progressing));

        var backends = rules[0]!["backendRefs"]!.AsArray();
        Assert.Equal(2, backends.Count);
        Assert.Equal(("pool-v1", 75), (backends[0]!["name"]!.GetValue<string>(), backends[0]!["weight"]!.GetValue<int>()));
        Assert.Equal(("pool-v2", 25, 8080), (backends[1]!["name"]!.GetValue<string>(), backends[1]!["weight"]!.GetValue<int>(), backends[1]!["port"]!.GetValue<int>()));
        Assert.Equal([(25, 0)], HttpRouteRules.Carried(rules, Routing));
    }

    [Fact]
    public void Rules_matches_filters_and_other_rules_the_migration_does_not_own_stay_as_written()
    {
        var before = Parse(AsWritten);

        var rules = HttpRouteRules.Render(before, Routing, TrafficState.Shift(50, 0, Phases.Progressing));

        Assert.True(JsonNode.DeepEquals(before[1], rules[1]));
        Assert.True(JsonNode.DeepEquals(before[0]!["matches"], rules[0]!["matches"]));
        Assert.True(JsonNode.DeepEquals(before[0]!["filters"], rules[0]!["filters"]));
        Assert.True(JsonNode.DeepEquals(Parse(AsWritten), before), "the input rules are not edited");
    }

    [Fact]
    public void A_shadow_stage_mirrors_to_v2_at_weight_0_and_the_next_stage_removes_only_that_mirror()
    {
        var shadowing = HttpRouteRules.Render(Parse(AsWritten), Routing, TrafficState.Shift(0, 100, Phases.Shadowing));

        var filters = shadowing[0]!["filters"]!.AsArray();
        Assert.Equal(["RequestHeaderModifier", "RequestMirror"], filters.Select(f => f!["type"]!.GetValue<string>()));
        Assert.Equal("pool-v2", filters[1]!["requestMirror"]!["backendRef"]!["name"]!.GetValue<string>());
        Assert.Equal([(0, 100)], HttpRouteRules.Carried(shadowing, Routing));

        var after = HttpRouteRules.Render(shadowing, Routing, TrafficState.Shift(5, 0, Phases.Progressing));

        Assert.True(JsonNode.DeepEquals(Parse(AsWritten)[0]!["filters"], after[0]!["filters"]));
        Assert.Equal([(5, 0)], HttpRouteRules.Carried(after, Routing));
    }

    [Fact]
    public void A_mirror_on_a_rule_without_filters_leaves_no_empty_filter_list_behind()
    {
        var plain = Parse("""[{"backendRefs":[{"name":"pool-v1","port":80}]}]""");

        var shadowing = HttpRouteRules.Render(plain, Routing, TrafficState.Shift(0, 100, Phases.Shadowing));
        var after = HttpRouteRules.Render(shadowing, Routing, TrafficState.Shift(100, 0, Phases.Completing));

        Assert.Single(shadowing[0]!["filters"]!.AsArray());
        Assert.Null(after[0]!["filters"]);
    }

    [Fact]
    public void Rendering_what_is_in_place_changes_nothing()
    {
        var once = HttpRouteRules.Render(Parse(AsWritten), Routing, TrafficState.Shift(0, 100, Phases.Shadowing));

        Assert.True(JsonNode.DeepEquals(once, HttpRouteRules.Render(once, Routing, TrafficState.Shift(0, 100, Phases.Shadowing))));
    }

    [Fact]
    public void A_route_as_written_before_the_migration_carries_no_traffic_to_v2()
    {
        Assert.Equal([(0, 0)], HttpRouteRules.Carried(Parse(AsWritten), Routing));
        Assert.True(HttpRouteRules.RoutesToV1(Parse(AsWritten), Routing));
    }

    [Fact]
    public void A_backend_in_another_namespace_or_of_another_kind_is_not_the_pool_service()
    {
        var elsewhere = Parse("""[{"backendRefs":[{"name":"pool-v1","namespace":"other","port":80},{"name":"pool-v1","kind":"ServiceImport","group":"multicluster.x-k8s.io","port":80}]}]""");

        Assert.False(HttpRouteRules.RoutesToV1(elsewhere, Routing));
        Assert.True(JsonNode.DeepEquals(elsewhere, HttpRouteRules.Render(elsewhere, Routing, TrafficState.Shift(25, 0, Phases.Progressing))));
    }

    [Fact]
    public void Cleanup_removes_only_v1s_backend_and_v2_keeps_every_request_of_the_rule()
    {
        var completed = HttpRouteRules.Render(Parse(AsWritten), Routing, TrafficState.Shift(100, 0, Phases.Completing));
        Assert.True(HttpRouteRules.CanRemoveV1(completed, Routing));

        var cleaned = HttpRouteRules.WithoutV1(completed, Routing);

        var backends = cleaned[0]!["backendRefs"]!.AsArray();
        Assert.Equal(("pool-v2", 100), (Assert.Single(backends)!["name"]!.GetValue<string>(), backends[0]!["weight"]!.GetValue<int>()));
        Assert.True(JsonNode.DeepEquals(completed[0]!["matches"], cleaned[0]!["matches"]));
        Assert.True(JsonNode.DeepEquals(completed[0]!["filters"], cleaned[0]!["filters"]));
        Assert.True(JsonNode.DeepEquals(completed[1], cleaned[1]), "a rule without V1's backend stays as written");
        Assert.Equal(2, completed[0]!["backendRefs"]!.AsArray().Count);
        Assert.False(HttpRouteRules.CanRemoveV1(cleaned, Routing));
    }

    [Fact]
    public void Cleanup_never_leaves_a_rule_without_a_backend_that_carries_its_requests()
    {
        // V1 alone, or beside V2 at weight 0: removing V1 would leave the rule sending its requests nowhere.
        var rules = Parse("""
            [
              {"backendRefs":[{"name":"pool-v1","port":8080,"weight":100}]},
              {"backendRefs":[{"name":"pool-v1","port":8080,"weight":100},{"name":"pool-v2","port":8080,"weight":0}]}
            ]
            """);

        Assert.False(HttpRouteRules.CanRemoveV1(rules, Routing));
        Assert.True(JsonNode.DeepEquals(rules, HttpRouteRules.WithoutV1(rules, Routing)));
    }

    private static JsonArray Parse(string json) => JsonNode.Parse(json)!.AsArray();
}
