using k8s.Models;
using PoolOperator.Observation;
using Xunit;

namespace PoolOperator.UnitTests.Observation;

public sealed class PoolServicesTests
{
    private static readonly Dictionary<string, string> V2PodLabels = new() { ["app"] = "session-pool", ["track"] = "v2" };

    [Fact]
    public void A_service_over_both_tracks_selects_v2s_pods_and_a_v1_only_service_does_not()
    {
        var selecting = PoolServices.Selecting(
            [Service("session-pool", new() { ["app"] = "session-pool" }), Service("session-pool-v1", new() { ["app"] = "session-pool", ["track"] = "v1" })],
            V2PodLabels,
            except: null);

        Assert.Equal(["session-pool"], selecting);
    }

    [Fact]
    public void The_routes_own_v2_backend_and_services_without_a_selector_are_not_reported()
    {
        var selecting = PoolServices.Selecting(
            [Service("session-pool-v2", new() { ["track"] = "v2" }), Service("external", null), Service("empty", [])],
            V2PodLabels,
            except: "session-pool-v2");

        Assert.Empty(selecting);
    }

    private static V1Service Service(string name, Dictionary<string, string>? selector) =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "shop" }, Spec = new V1ServiceSpec { Selector = selector } };
}
