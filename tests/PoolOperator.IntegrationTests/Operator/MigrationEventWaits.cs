using System.Diagnostics;
using k8s.Models;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// The operator records Events after it writes the status they describe, so a test that has just seen a status must
/// wait for the matching Event rather than read the list once.
/// </summary>
internal static class MigrationEventWaits
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static async Task<Corev1Event> WaitForEventAsync(this MigrationKit kit, string migration, string reason, Func<Corev1Event, bool>? match = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var events = await kit.EventsAsync(migration).ConfigureAwait(false);
            var found = events.FirstOrDefault(e => e.Reason == reason && (match is null || match(e)));
            if (found is not null)
            {
                return found;
            }

            if (watch.Elapsed >= limit)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds:0} s waiting for Event {reason} on {migration}; seen: " +
                                           string.Join(" | ", events.Select(e => $"{e.Type} {e.Reason}: {e.Message}")));
            }

            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }
}
