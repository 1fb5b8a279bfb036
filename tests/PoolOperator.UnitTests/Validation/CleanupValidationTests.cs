using PoolOperator.Api.V1Alpha1;
using PoolOperator.Validation;
using Xunit;
using static PoolOperator.UnitTests.Validation.ValidSpecs;

namespace PoolOperator.UnitTests.Validation;

public sealed class CleanupValidationTests
{
    [Fact]
    public void Delete_with_every_removal_and_a_retention_is_valid() =>
        Assert.Empty(SpecValidator.Validate(With(new CleanupSpec
        {
            Policy = "Delete",
            RetentionSeconds = 86400,
            DeleteV1Service = true,
            DeleteFlagsConfigMap = true,
            RemoveV1RouteBackend = true,
        })));

    [Fact]
    public void ScaleToZero_and_an_empty_cleanup_are_valid()
    {
        Assert.Empty(SpecValidator.Validate(With(new CleanupSpec { Policy = "ScaleToZero" })));
        Assert.Empty(SpecValidator.Validate(With(new CleanupSpec())));
    }

    [Fact]
    public void An_unknown_policy_is_reported() =>
        AssertOnlyError(With(new CleanupSpec { Policy = "Remove" }), "spec.completion.cleanup.policy", "must be ScaleToZero or Delete, got \"Remove\"");

    [Fact]
    public void A_negative_retention_is_reported() =>
        AssertOnlyError(With(new CleanupSpec { Policy = "Delete", RetentionSeconds = -1 }), "spec.completion.cleanup.retentionSeconds", "at least 0, got -1");

    [Theory]
    [InlineData("deleteFlagsConfigMap")]
    [InlineData("removeV1RouteBackend")]
    public void A_removal_without_policy_Delete_is_reported(string field)
    {
        var cleanup = new CleanupSpec { DeleteFlagsConfigMap = field == "deleteFlagsConfigMap", RemoveV1RouteBackend = field == "removeV1RouteBackend" };

        AssertOnlyError(With(cleanup), $"spec.completion.cleanup.{field}", "applies only with policy Delete");
    }

    [Fact]
    public void Deleting_the_flags_ConfigMap_without_flags_is_reported()
    {
        var spec = With(new CleanupSpec { Policy = "Delete", DeleteFlagsConfigMap = true });
        spec.TrafficRouting!.Flags = null;

        AssertOnlyError(spec, "spec.completion.cleanup.deleteFlagsConfigMap", "spec.trafficRouting.flags is not set");
    }

    [Fact]
    public void Removing_the_route_backend_without_gatewayAPI_is_reported()
    {
        var spec = With(new CleanupSpec { Policy = "Delete", RemoveV1RouteBackend = true });
        spec.TrafficRouting!.GatewayApi = null;

        AssertOnlyError(spec, "spec.completion.cleanup.removeV1RouteBackend", "spec.trafficRouting.gatewayAPI is not set");
    }

    [Fact]
    public void Deleting_V1s_Service_without_gatewayAPI_is_reported()
    {
        var spec = With(new CleanupSpec { Policy = "Delete", DeleteV1Service = true });
        spec.TrafficRouting!.GatewayApi = null;

        AssertOnlyError(spec, "spec.completion.cleanup.deleteV1Service", "gatewayAPI.v1Service, which is not set");
    }

    [Fact]
    public void Deleting_V1s_Service_while_the_route_keeps_its_backend_is_reported() =>
        AssertOnlyError(With(new CleanupSpec { Policy = "Delete", DeleteV1Service = true }), "spec.completion.cleanup.deleteV1Service", "needs removeV1RouteBackend: true");

    private static PoolMigrationSpec With(CleanupSpec cleanup)
    {
        var spec = Full();
        spec.Completion!.Cleanup = cleanup;
        return spec;
    }

    private static void AssertOnlyError(PoolMigrationSpec spec, string field, string messageFragment)
    {
        var error = Assert.Single(SpecValidator.Validate(spec));
        Assert.Equal(field, error.Field);
        Assert.Contains(messageFragment, error.Message, StringComparison.Ordinal);
    }
}
