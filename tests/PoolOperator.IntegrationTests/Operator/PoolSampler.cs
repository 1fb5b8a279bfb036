using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PoolOperator.Api.V1Alpha1;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// Looks at a migration and its Deployments every 100 ms in the background, so a test can assert what held at every
/// moment of a transition (capacity first, drain delay) instead of only where it ended.
/// </summary>
internal sealed class PoolSampler : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly MigrationKit kit;
    private readonly string migration;
    private readonly string v1;
    private readonly string v2;
    private readonly string? v2PodSelector;
    private readonly string? flagsConfigMap;
    private readonly List<PoolSample> samples = [];
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;

    private PoolSampler(MigrationKit kit, string migration, string v1, string v2, string? v2PodSelector, string? flagsConfigMap)
    {
        this.kit = kit;
        this.migration = migration;
        this.v1 = v1;
        this.v2 = v2;
        this.v2PodSelector = v2PodSelector;
        this.flagsConfigMap = flagsConfigMap;
        loop = Task.Run(RunAsync);
    }

    /// <summary>Every sample taken so far, oldest first.</summary>
    public IReadOnlyList<PoolSample> Samples
    {
        get
        {
            lock (samples)
            {
                return [.. samples];
            }
        }
    }

    /// <summary>Samples migration <paramref name="name"/> and Deployments NAME-v1 and NAME-v2 (pods labelled app=NAME,track=v2).</summary>
    public static PoolSampler Start(MigrationKit kit, string name, string? flagsConfigMap = null) =>
        new(kit, name, $"{name}-v1", $"{name}-v2", $"app={name},track=v2", flagsConfigMap);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var token = stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var sample = await TakeAsync(token).ConfigureAwait(false);
                lock (samples)
                {
                    samples.Add(sample);
                }
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException && !token.IsCancellationRequested)
            {
                // A failed look is a missing sample, not a test failure; the next one follows.
            }

            await Task.Delay(Interval, token).ConfigureAwait(false);
        }
    }

    private async Task<PoolSample> TakeAsync(CancellationToken token)
    {
        var client = kit.Client;
        var ns = kit.Namespace;
        var started = DateTimeOffset.UtcNow;
        var pm = await OrNull(() => client.CustomObjects.GetNamespacedCustomObjectAsync<PoolMigration>(
            PoolMigration.Group, PoolMigration.Version, ns, PoolMigration.Plural, migration, token)).ConfigureAwait(false);
        var first = await OrNull(() => client.AppsV1.ReadNamespacedDeploymentAsync(v1, ns, cancellationToken: token)).ConfigureAwait(false);
        var v2Started = DateTimeOffset.UtcNow;
        var second = await OrNull(() => client.AppsV1.ReadNamespacedDeploymentAsync(v2, ns, cancellationToken: token)).ConfigureAwait(false);
        var v2Done = DateTimeOffset.UtcNow;
        IReadOnlyList<V1Pod> pods = v2PodSelector is null
            ? []
            : (await client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: v2PodSelector, cancellationToken: token).ConfigureAwait(false)).Items.ToList();
        var flags = flagsConfigMap is null
            ? null
            : await OrNull(() => client.CoreV1.ReadNamespacedConfigMapAsync(flagsConfigMap, ns, cancellationToken: token)).ConfigureAwait(false);
        return new PoolSample(started, DateTimeOffset.UtcNow, pm, first, second, v2Started, v2Done, pods, flags);
    }

    private static async Task<T?> OrNull<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
