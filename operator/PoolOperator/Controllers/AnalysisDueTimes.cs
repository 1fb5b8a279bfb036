using System.Collections.Concurrent;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.Controllers;

/// <summary>
/// When this process next measures each migration's checks. Kept in memory, not in status: a restarted operator
/// simply measures at once, and a round between two measurements changes nothing in status.
/// </summary>
internal sealed class AnalysisDueTimes
{
    private readonly ConcurrentDictionary<NamespacedName, DateTimeOffset> next = new();

    /// <summary>When the checks of <paramref name="migration"/> are next due; null when they have not been measured by this process.</summary>
    public DateTimeOffset? NextAt(NamespacedName migration) => next.TryGetValue(migration, out var at) ? at : null;

    public void Measured(NamespacedName migration, DateTimeOffset nextAt) => next[migration] = nextAt;

    public void Forget(NamespacedName migration) => next.TryRemove(migration, out _);
}
