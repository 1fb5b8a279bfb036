using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Core;

/// <summary>Everything the decision core needs; it does no I/O.</summary>
/// <param name="NextAnalysisAt">
/// When this process next measures the checks. Null or not after <paramref name="Now"/> means the checks are due this
/// round and <paramref name="Measurements"/> holds this round's measurements; otherwise the core records no
/// measurement and asks to be woken then. The caller keeps it in memory (see <see cref="AnalysisSchedule"/>).
/// </param>
/// <param name="Routed">
/// What the routers that can be read back carry now, one entry per object (empty or null: no such router, so what the
/// operator applied is what is in place). A stage counts as in place only once each entry carries the status' traffic.
/// </param>
/// <param name="ServicesSelectingV2">
/// The Services in the migration's namespace whose selector picks V2's pods, other than the route's own V2 backend;
/// null when they are not observed this round.
/// </param>
/// <param name="Budgets">The PodDisruptionBudgets covering either pool's pods; reported on, never obeyed.</param>
/// <param name="PresentForCleanup">
/// Which objects of a completed migration's pending cleanup still exist (keys of <see cref="CleanupPolicies.Key"/>; an
/// HTTPRoute counts while some rule still has V1's backendRef to remove); null when they are not observed this round.
/// </param>
internal sealed record MigrationInput(
    PoolMigration Migration,
    DeploymentObservation? V1,
    DeploymentObservation? V2,
    IReadOnlyList<SpecProblem> SpecErrors,
    IReadOnlyList<Measurement> Measurements,
    DateTimeOffset Now,
    DateTimeOffset? NextAnalysisAt = null,
    IReadOnlyList<RoutedTraffic>? Routed = null,
    IReadOnlyList<string>? ServicesSelectingV2 = null,
    IReadOnlyList<DisruptionBudget>? Budgets = null,
    IReadOnlySet<string>? PresentForCleanup = null);
