using k8s.Models;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Validation;

public static class SpecValidator
{
    public static IReadOnlyList<ValidationError> Validate(PoolMigrationSpec spec) => [];

    public static IReadOnlyList<ValidationError> ValidateAgainstCluster(PoolMigrationSpec spec, V1Deployment? v1, V1Deployment? v2) => [];
}
