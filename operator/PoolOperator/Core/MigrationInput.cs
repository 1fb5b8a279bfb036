using PoolOperator.Analysis;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Validation;

namespace PoolOperator.Core;

/// <summary>Everything the decision core needs; it does no I/O.</summary>
internal sealed record MigrationInput(
    PoolMigration Migration,
    DeploymentObservation? V1,
    DeploymentObservation? V2,
    IReadOnlyList<ValidationError> SpecErrors,
    IReadOnlyList<Measurement> Measurements,
    DateTimeOffset Now);
