using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.Kubectl.Cluster;

/// <summary>Reads PoolMigrations and sets their action annotations.</summary>
internal sealed class MigrationStore(ClusterConnection connection)
{
    public string Namespace => connection.Namespace;

    public async Task<PoolMigration> GetAsync(string name, CancellationToken cancellationToken) =>
        await FindAsync(name, cancellationToken)
        ?? throw new PluginException(ExitCodes.NotFound, $"poolmigration \"{name}\" not found in namespace {Namespace}");

    public async Task<PoolMigration?> FindAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await Call(() => connection.Client.CustomObjects.GetNamespacedCustomObjectAsync<PoolMigration>(
                PoolMigration.Group, PoolMigration.Version, Namespace, PoolMigration.Plural, name, cancellationToken));
        }
        catch (PluginException e) when (e.ExitCode == ExitCodes.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<PoolMigration>> ListAsync(bool allNamespaces, CancellationToken cancellationToken)
    {
        var list = await Call(() => allNamespaces
            ? connection.Client.CustomObjects.ListClusterCustomObjectAsync<PoolMigrationList>(
                PoolMigration.Group, PoolMigration.Version, PoolMigration.Plural, cancellationToken: cancellationToken)
            : connection.Client.CustomObjects.ListNamespacedCustomObjectAsync<PoolMigrationList>(
                PoolMigration.Group, PoolMigration.Version, Namespace, PoolMigration.Plural, cancellationToken: cancellationToken));
        return [.. list.Items.OrderBy(m => m.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(m => m.Metadata.Name, StringComparer.Ordinal)];
    }

    /// <summary>Sets (value) or removes (null) annotations with one merge patch.</summary>
    public Task AnnotateAsync(string name, IReadOnlyDictionary<string, string?> annotations, CancellationToken cancellationToken)
    {
        var patch = new { metadata = new { annotations } };
        return Call(() => connection.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(JsonSerializer.Serialize(patch), V1Patch.PatchType.MergePatch),
            PoolMigration.Group, PoolMigration.Version, Namespace, PoolMigration.Plural, name, cancellationToken: cancellationToken));
    }

    /// <summary>Turns the apiserver's refusals into messages and exit codes a script can rely on.</summary>
    public static async Task<T> Call<T>(Func<Task<T>> request)
    {
        try
        {
            return await request();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new PluginException(ExitCodes.NotFound, NotFoundMessage(e));
        }
        catch (HttpOperationException e)
        {
            throw new PluginException(ExitCodes.Error, $"the apiserver refused the request ({(int)e.Response.StatusCode} {e.Response.StatusCode}): {StatusMessage(e)}");
        }
        catch (HttpRequestException e)
        {
            throw new PluginException(ExitCodes.Error, $"cannot reach the apiserver: {e.Message}");
        }
    }

    private static string NotFoundMessage(HttpOperationException e) =>
        StatusMessage(e) is { Length: > 0 } message ? message : "not found";

    private static string StatusMessage(HttpOperationException e)
    {
        try
        {
            return KubernetesJson.Deserialize<V1Status>(e.Response.Content)?.Message ?? e.Response.Content;
        }
        catch (JsonException)
        {
            return e.Response.Content;
        }
    }
}
