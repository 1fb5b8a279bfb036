using System.Diagnostics;
using k8s;
using k8s.Models;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// Assertions that something does NOT happen for a while: the check runs every 100 ms for the whole period and the
/// first violation fails at once, so "stays RolledBack" or "Deployments untouched" is checked, not slept through.
/// </summary>
internal static class Hold
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <param name="violation">Returns a description of what broke, or null while all is well.</param>
    public static async Task ForAsync(TimeSpan period, Func<Task<string?>> violation, string description)
    {
        var watch = Stopwatch.StartNew();
        var checks = 0;
        while (true)
        {
            var broken = await violation().ConfigureAwait(false);
            checks++;
            if (broken is not null)
            {
                throw new InvalidOperationException($"{description} broke after {watch.Elapsed.TotalSeconds:F1} s: {broken}");
            }

            if (watch.Elapsed >= period)
            {
                return;
            }

            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until the resourceVersions of the Deployments stop changing for a second (their controllers are done
    /// writing status), and returns them, so a later comparison only sees writes made by someone else.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> SettledDeploymentVersionsAsync(MigrationKit kit, params string[] deployments)
    {
        var deadline = Stopwatch.StartNew();
        var quiet = TimeSpan.FromSeconds(1);
        Dictionary<string, string>? last = null;
        var since = Stopwatch.StartNew();
        while (true)
        {
            var current = new Dictionary<string, string>();
            foreach (var name in deployments)
            {
                var deployment = await kit.ReadDeploymentAsync(name).ConfigureAwait(false);
                // Settled also means the controller has seen the latest spec.
                current[name] = deployment.Status?.ObservedGeneration == deployment.Metadata.Generation
                    ? deployment.ResourceVersion()
                    : "unobserved";
            }

            if (last is null || !last.SequenceEqual(current) || current.ContainsValue("unobserved"))
            {
                last = current;
                since.Restart();
            }
            else if (since.Elapsed >= quiet)
            {
                return last;
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"Deployments {string.Join(", ", deployments)} kept changing for 60 s");
            }

            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }

    /// <summary>A violation check for <see cref="ForAsync"/>: null while every Deployment still has the given resourceVersion.</summary>
    public static async Task<string?> DeploymentsChangedAsync(MigrationKit kit, IReadOnlyDictionary<string, string> versions)
    {
        foreach (var (name, version) in versions)
        {
            var deployment = await kit.ReadDeploymentAsync(name).ConfigureAwait(false);
            if (deployment.ResourceVersion() != version)
            {
                return $"Deployment {name} changed: resourceVersion {version} -> {deployment.ResourceVersion()}, replicas {deployment.Spec.Replicas}, managed by {string.Join(", ", (deployment.Metadata.ManagedFields ?? []).Select(f => f.Manager))}";
            }
        }

        return null;
    }
}
