using System.Collections.Concurrent;
using k8s;

namespace PoolOperator.Observation;

/// <summary>
/// Which version of a built-in API group the apiserver serves, asked once per group: autoscaling/v2 and policy/v1 where
/// the cluster has them, autoscaling/v2beta2 and policy/v1beta1 on older ones (Kubernetes 1.20 has only those).
/// </summary>
internal sealed class ServedVersions(IKubernetes client)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> versions = new();

    /// <summary>The first of <paramref name="preferred"/> the apiserver serves for <paramref name="group"/>.</summary>
    public Task<string> VersionAsync(string group, IReadOnlyList<string> preferred, CancellationToken cancellationToken)
    {
        var lookup = versions.GetOrAdd(group, _ => new Lazy<Task<string>>(() => DiscoverAsync(group, preferred, cancellationToken)));
        var task = lookup.Value;
        if (task.IsFaulted || task.IsCanceled)
        {
            // A failed discovery (the apiserver was unreachable) is asked again next time rather than remembered.
            versions.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(group, lookup));
        }

        return task;
    }

    private async Task<string> DiscoverAsync(string group, IReadOnlyList<string> preferred, CancellationToken cancellationToken)
    {
        var groups = await client.Apis.GetAPIVersionsAsync(cancellationToken).ConfigureAwait(false);
        var served = groups.Groups?.FirstOrDefault(g => g.Name == group)?.Versions?.Select(v => v.Version).ToHashSet() ?? [];
        return preferred.FirstOrDefault(served.Contains)
            ?? throw new InvalidOperationException($"the apiserver serves none of {string.Join(", ", preferred.Select(v => $"{group}/{v}"))}");
    }
}
