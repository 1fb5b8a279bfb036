using k8s.Models;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Observation;
using PoolOperator.Validation;
using Xunit;

namespace PoolOperator.UnitTests.Validation;

public sealed class AutoscalerValidatorTests
{
    private const string V1 = "session-pool-v1";
    private const string V2 = "session-pool-v2";

    [Fact]
    public void No_hpas_and_one_hpa_per_pool_are_valid()
    {
        Assert.Empty(AutoscalerValidator.Validate(Spec(), [], [], null, 1));
        Assert.Empty(AutoscalerValidator.Validate(Spec(), [Hpa("v1-hpa", V1, 4, 20)], [Hpa("v2-hpa", V2, 1, 3)], null, 1));
    }

    [Fact]
    public void An_hpa_on_one_pool_only_is_valid()
    {
        Assert.Empty(AutoscalerValidator.Validate(Spec(), [Hpa("v1-hpa", V1, 4, 20)], [], null, 0));
        Assert.Empty(AutoscalerValidator.Validate(Spec(), [], [Hpa("v2-hpa", V2, 1, 3)], null, 1));
    }

    [Fact]
    public void Spec_replicas_may_be_set_when_only_v2_has_an_hpa()
    {
        var spec = Spec();
        spec.Replicas = 6;

        Assert.Empty(AutoscalerValidator.Validate(spec, [], [Hpa("v2-hpa", V2, 1, 3)], null, 1));
    }

    [Fact]
    public void A_v2_at_zero_under_an_hpa_is_invalid_and_names_the_fix()
    {
        var error = Assert.Single(AutoscalerValidator.Validate(Spec(), [], [Hpa("v2-hpa", V2, 2, 6)], null, 0));

        Assert.Equal("spec.v2.deployment", error.Field);
        Assert.Contains("V2 Deployment \"session-pool-v2\" stands at 0 replicas and HorizontalPodAutoscaler v2-hpa scales it", error.Message, StringComparison.Ordinal);
        Assert.Contains("give V2 at least the HPA's minReplicas (2), or leave spec.replicas out of its manifest", error.Message, StringComparison.Ordinal);
        Assert.Single(AutoscalerValidator.Validate(Spec(), [Hpa("v1-hpa", V1, 4, 20)], [Hpa("v2-hpa", V2, 2, 6)], null, 0));
    }

    [Fact]
    public void Two_hpas_on_one_pool_are_named()
    {
        var error = Assert.Single(AutoscalerValidator.Validate(Spec(), [Hpa("a", V1, 2, 4), Hpa("b", V1, 2, 4)], [Hpa("c", V2, 1, 2)], null, 1));

        Assert.Equal("spec.v1.deployment", error.Field);
        Assert.Contains("a, b all target Deployment \"session-pool-v1\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_hpa_targeting_both_pools_is_invalid()
    {
        var shared = Hpa("shared", V1, 2, 4);

        var error = Assert.Single(AutoscalerValidator.Validate(Spec(), [shared], [shared], null, 1));

        Assert.Contains("shared targets both pools", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Spec_replicas_must_be_unset_with_hpas()
    {
        var spec = Spec();
        spec.Replicas = 10;

        var error = Assert.Single(AutoscalerValidator.Validate(spec, [Hpa("v1-hpa", V1, 4, 20)], [Hpa("v2-hpa", V2, 1, 3)], null, 1));

        Assert.Equal("spec.replicas", error.Field);
        Assert.Contains("capacity follows V1's HPA v1-hpa (4..20 replicas)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_max_too_small_to_split_for_a_weight_names_the_stage_and_the_smallest_max_that_works()
    {
        var error = Assert.Single(AutoscalerValidator.Validate(Spec(75), [Hpa("v1-hpa", V1, 1, 2)], [Hpa("v2-hpa", V2, 1, 1)], null, 1));

        Assert.Equal("spec.stages[1].weight", error.Field);
        Assert.Contains("maxReplicas 2, which cannot be split for weight 75", error.Message, StringComparison.Ordinal);
        Assert.Contains("at least 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_recorded_original_bounds_are_judged_not_the_shares_the_operator_set()
    {
        var original = new OriginalState { V1 = new OriginalDeployment { Autoscaler = new OriginalAutoscaler { Name = "v1-hpa", MinReplicas = 4, MaxReplicas = 20 } } };

        // Mid-migration V1's HPA stands at its 75% share, 1..5: judged on that it could not express the stage.
        Assert.Empty(AutoscalerValidator.Validate(Spec(75), [Hpa("v1-hpa", V1, 1, 5)], [Hpa("v2-hpa", V2, 3, 15)], original, 1));
    }

    [Fact]
    public void Only_hpas_scaling_the_deployment_by_name_and_kind_count()
    {
        var other = Hpa("other", V1, 1, 2);
        other.Spec.ScaleTargetRef.Kind = "StatefulSet";

        Assert.Equal(["v1-hpa"], PoolScaling.Targeting([other, Hpa("v1-hpa", V1, 4, 20), Hpa("v2-hpa", V2, 1, 3)], V1).Select(h => h.Metadata.Name));
    }

    private static PoolMigrationSpec Spec(int weight = 50) => new()
    {
        V1 = new PoolReference { Deployment = V1 },
        V2 = new PoolReference { Deployment = V2 },
        Stages =
        [
            new MigrationStage { Name = "shadow", Shadow = new ShadowSpec { Percent = 100 } },
            new MigrationStage { Name = "canary", Weight = weight },
            new MigrationStage { Name = "full", Weight = 100 },
        ],
    };

    private static V2HorizontalPodAutoscaler Hpa(string name, string deployment, int min, int max) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "shop" },
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = deployment },
            MinReplicas = min,
            MaxReplicas = max,
        },
    };
}
