using System.Text.Json.Nodes;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;

namespace PoolOperator.Routing.GatewayApi;

/// <summary>
/// The HTTPRoute rules a traffic state asks for, and the traffic a route's rules carry. Pure: the router reads and
/// writes, this decides. The operator owns, in each rule that sends traffic to V1's Service, only the weights of the
/// two pool backendRefs, V2's backendRef when the rule had none, and a RequestMirror filter to V2's Service while
/// shadowing; every other rule, match, filter and field stays as the user wrote it.
/// </summary>
internal static class HttpRouteRules
{
    public const string RequestMirror = "RequestMirror";

    /// <summary>The rules with <paramref name="traffic"/> in place; <paramref name="rules"/> is left as it is.</summary>
    public static JsonArray Render(JsonArray? rules, GatewayApiRouting routing, TrafficState traffic)
    {
        var desired = (JsonArray?)rules?.DeepClone() ?? [];
        var v2Weight = traffic.RestoreOriginal ? 0 : traffic.V2Weight;
        var mirror = !traffic.RestoreOriginal && traffic.ShadowPercent > 0;
        foreach (var rule in desired.OfType<JsonObject>())
        {
            if (rule["backendRefs"] is not JsonArray backends || backends.OfType<JsonObject>().FirstOrDefault(b => IsService(b, routing.V1Service)) is not { } v1)
            {
                continue;
            }

            v1["weight"] = 100 - v2Weight;
            if (backends.OfType<JsonObject>().FirstOrDefault(b => IsService(b, routing.V2Service)) is { } v2)
            {
                v2["weight"] = v2Weight;
            }
            else
            {
                backends.Add((JsonNode)BackendLike(v1, routing.V2Service, v2Weight));
            }

            SetMirror(rule, routing, v1, mirror);
        }

        return desired;
    }

    /// <summary>What each rule that sends traffic to V1's Service carries: V2's share of the weights, and 100% shadow while it mirrors to V2.</summary>
    public static IReadOnlyList<(int V2Weight, int ShadowPercent)> Carried(JsonArray? rules, GatewayApiRouting routing)
    {
        var carried = new List<(int, int)>();
        foreach (var rule in (rules ?? []).OfType<JsonObject>())
        {
            var backends = (rule["backendRefs"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            if (backends.FirstOrDefault(b => IsService(b, routing.V1Service)) is not { } v1)
            {
                continue;
            }

            var v1Weight = WeightOf(v1);
            var v2Weight = backends.FirstOrDefault(b => IsService(b, routing.V2Service)) is { } v2 ? WeightOf(v2) : 0;
            var share = v1Weight + v2Weight == 0 ? 0 : (int)Math.Round(100.0 * v2Weight / (v1Weight + v2Weight));
            carried.Add((share, MirrorsTo(rule, routing.V2Service) ? 100 : 0));
        }

        return carried;
    }

    /// <summary>True when some rule sends traffic to V1's Service: only such a route can be moved by the migration.</summary>
    public static bool RoutesToV1(JsonArray? rules, GatewayApiRouting routing) =>
        (rules ?? []).OfType<JsonObject>().Any(rule => (rule["backendRefs"] as JsonArray ?? []).OfType<JsonObject>().Any(b => IsService(b, routing.V1Service)));

    /// <summary>
    /// The rules without V1's backendRef, removed only from rules where V2's backendRef has weight, so each such rule keeps
    /// sending its requests to V2; every other rule, backend, filter and field stays as it is. <paramref name="rules"/> is left as it is.
    /// </summary>
    public static JsonArray WithoutV1(JsonArray? rules, GatewayApiRouting routing)
    {
        var desired = (JsonArray?)rules?.DeepClone() ?? [];
        foreach (var rule in desired.OfType<JsonObject>())
        {
            if (rule["backendRefs"] is JsonArray backends && RemovableV1(backends, routing) is { } v1)
            {
                backends.Remove(v1);
            }
        }

        return desired;
    }

    /// <summary>True while some rule has a V1 backendRef that <see cref="WithoutV1"/> would remove.</summary>
    public static bool CanRemoveV1(JsonArray? rules, GatewayApiRouting routing) =>
        (rules ?? []).OfType<JsonObject>().Any(rule => rule["backendRefs"] is JsonArray backends && RemovableV1(backends, routing) is not null);

    private static JsonObject? RemovableV1(JsonArray backends, GatewayApiRouting routing)
    {
        var refs = backends.OfType<JsonObject>().ToList();
        var v1 = refs.FirstOrDefault(b => IsService(b, routing.V1Service));
        return v1 is not null && refs.Any(b => IsService(b, routing.V2Service) && WeightOf(b) > 0) ? v1 : null;
    }

    /// <summary>A backendRef to the Service <paramref name="name"/> in the route's namespace (group and kind default to core Service).</summary>
    public static bool IsService(JsonObject backend, string name) =>
        backend["name"]?.GetValue<string>() == name
        && (backend["group"]?.GetValue<string>() ?? "") == ""
        && (backend["kind"]?.GetValue<string>() ?? "Service") == "Service"
        && backend["namespace"] is null;

    // Gateway API's default weight is 1.
    private static int WeightOf(JsonObject backend) => backend["weight"]?.GetValue<int>() ?? 1;

    private static JsonObject BackendLike(JsonObject v1, string service, int weight)
    {
        var backend = new JsonObject { ["name"] = service };
        if (v1["port"] is { } port)
        {
            backend["port"] = port.DeepClone();
        }

        backend["weight"] = weight;
        return backend;
    }

    private static void SetMirror(JsonObject rule, GatewayApiRouting routing, JsonObject v1, bool mirror)
    {
        var filters = rule["filters"] as JsonArray;
        if (mirror)
        {
            if (!MirrorsTo(rule, routing.V2Service))
            {
                if (filters is null)
                {
                    rule["filters"] = filters = [];
                }

                var target = new JsonObject { ["name"] = routing.V2Service };
                if (v1["port"] is { } port)
                {
                    target["port"] = port.DeepClone();
                }

                filters.Add((JsonNode)new JsonObject { ["type"] = RequestMirror, ["requestMirror"] = new JsonObject { ["backendRef"] = target } });
            }

            return;
        }

        if (filters is null)
        {
            return;
        }

        foreach (var filter in filters.OfType<JsonObject>().Where(f => IsMirrorTo(f, routing.V2Service)).ToList())
        {
            filters.Remove(filter);
        }

        if (filters.Count == 0)
        {
            rule.Remove("filters");
        }
    }

    private static bool MirrorsTo(JsonObject rule, string service) =>
        (rule["filters"] as JsonArray ?? []).OfType<JsonObject>().Any(f => IsMirrorTo(f, service));

    private static bool IsMirrorTo(JsonObject filter, string service) =>
        filter["type"]?.GetValue<string>() == RequestMirror
        && filter["requestMirror"]?["backendRef"] is JsonObject target
        && IsService(target, service);
}
