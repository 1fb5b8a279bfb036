using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

/// <summary>Everything the decision core needs; it does no I/O.</summary>
/// <param name="NextAnalysisAt">
/// When this process next measures the checks. Null or not after <paramref name="Now"/> means the checks are due this
/// round and <paramref name="Measurements"/> holds this round's measurements; otherwise the core records no
/// measurement and asks to be woken then. The caller keeps it in memory (see <see cref="AnalysisSchedule"/>).
/// </param>
/// <param name="Budgets">The PodDisruptionBudgets covering either pool's pods; reported on, never obeyed.</param>
internal sealed record MigrationInput(
    PoolMigration Migration,
    DeploymentObservation? V1,
    DeploymentObservation? V2,
    IReadOnlyList<SpecProblem> SpecErrors,
    IReadOnlyList<Measurement> Measurements,
    DateTimeOffset Now,
    DateTimeOffset? NextAnalysisAt = null,
    IReadOnlyList<DisruptionBudget>? Budgets = null);
