using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using PoolOperator.Runtime.Informers;

namespace PoolOperator.Observation;

/// <summary>
/// Lists and watches a built-in resource at whichever of its versions the apiserver serves (see <see cref="ServedVersions"/>),
/// through the generic object API; the versions an operator reads share the fields it uses, so one model class reads them all.
/// </summary>
internal sealed class ServedVersionSource<T>(IKubernetes client, ServedVersions served, string group, IReadOnlyList<string> preferred, string plural) : IResourceSource<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    public string Description => $"{plural}.{group}";

    public async Task<ResourceListPage<T>> ListAsync(string? @namespace, string? continueToken, int limit, CancellationToken cancellationToken) =>
        await (await SourceAsync(cancellationToken).ConfigureAwait(false)).ListAsync(@namespace, continueToken, limit, cancellationToken).ConfigureAwait(false);

    public async IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(
        string? @namespace,
        string resourceVersion,
        int timeoutSeconds,
        Action<Exception> onError,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var source = await SourceAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var change in source.WatchAsync(@namespace, resourceVersion, timeoutSeconds, onError, cancellationToken).ConfigureAwait(false))
        {
            yield return change;
        }
    }

    private async Task<KubernetesResourceSource<T>> SourceAsync(CancellationToken cancellationToken)
    {
        var version = await served.VersionAsync(group, preferred, cancellationToken).ConfigureAwait(false);
        return ResourceSources.CustomResource<T>(client, group, version, plural);
    }
}
