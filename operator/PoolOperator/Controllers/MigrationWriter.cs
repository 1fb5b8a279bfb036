using System.Text.Json.Nodes;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Observation;

namespace PoolOperator.Controllers;

/// <summary>
/// The reconciler's writes to the PoolMigration itself: its status and its finalizer. Each write carries the
/// resourceVersion it was decided from; the answer is remembered as newer than the cache's copy, and a 409 Conflict
/// is resolved by one fresh read, so the next round decides from the newest object rather than a lagging cache.
/// </summary>
internal sealed partial class MigrationWriter(IKubernetes client, LatestKnown<PoolMigration> migrations, ILogger<MigrationWriter> logger)
{
    /// <returns>The migration as written, or null after a conflict (decide again).</returns>
    public async Task<PoolMigration?> WriteStatusAsync(PoolMigration basedOn, PoolMigrationStatus status, CancellationToken cancellationToken)
    {
        var updated = new PoolMigration { ApiVersion = basedOn.ApiVersion, Kind = basedOn.Kind, Metadata = basedOn.Metadata, Spec = basedOn.Spec, Status = status };
        try
        {
            var written = await client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<PoolMigration>(
                StatusPayload.For(updated), PoolMigration.Group, PoolMigration.Version, basedOn.Metadata.NamespaceProperty, PoolMigration.Plural, basedOn.Metadata.Name,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            migrations.Supersede(basedOn, written);
            return written;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            await RefreshAsync(basedOn, cancellationToken).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>Adds or removes the finalizer with one metadata patch.</summary>
    /// <returns>The migration as patched, or null after a conflict (decide again).</returns>
    public async Task<PoolMigration?> SetFinalizerAsync(PoolMigration basedOn, bool present, CancellationToken cancellationToken)
    {
        var finalizers = (basedOn.Metadata.Finalizers ?? []).Where(f => f != MigrationFinalizer.Name).ToList();
        if (present)
        {
            finalizers.Add(MigrationFinalizer.Name);
        }

        // The resourceVersion makes the patch fail rather than drop a finalizer someone else added meanwhile.
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode)f)]),
                ["resourceVersion"] = basedOn.Metadata.ResourceVersion,
            },
        };
        try
        {
            var patched = await client.CustomObjects.PatchNamespacedCustomObjectAsync<PoolMigration>(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
                PoolMigration.Group, PoolMigration.Version, basedOn.Metadata.NamespaceProperty, PoolMigration.Plural, basedOn.Metadata.Name,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            migrations.Supersede(basedOn, patched);
            return patched;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            await RefreshAsync(basedOn, cancellationToken).ConfigureAwait(false);
            return null;
        }
    }

    private async Task RefreshAsync(PoolMigration stale, CancellationToken cancellationToken)
    {
        var ns = stale.Metadata.NamespaceProperty;
        var name = stale.Metadata.Name;
        LogConflict(logger, ns, name);
        var fresh = await ClusterObserver.ReadOrNullAsync(() => client.CustomObjects.GetNamespacedCustomObjectAsync<PoolMigration>(
            PoolMigration.Group, PoolMigration.Version, ns, PoolMigration.Plural, name, cancellationToken)).ConfigureAwait(false);
        if (fresh is not null)
        {
            migrations.Supersede(stale, fresh);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Namespace}/{Name}: changed under us; deciding again from a fresh read")]
    private static partial void LogConflict(ILogger logger, string @namespace, string name);
}
