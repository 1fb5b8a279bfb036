using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Infrastructure;
using PoolOperator.Routing;
using PoolOperator.Runtime.Informers;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator.Extension;

/// <summary>
/// A router added with one class and one registration (docs/extending.md, "Adding a traffic router") is driven like
/// the built-in ones: it gets every stage's traffic state in order, and a rollback makes it restore its original.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class AddedRouterTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const int Total = 4;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task AnAddedRouterFollowsEveryStageToCompletion()
    {
        var (kit, recorder, instance) = await StartAsync("router-stages");
        await using (recorder)
        await using (instance)
        {
            var migration = MigrationKit.Migration("pool", Stages.Shadow("shadow", 50, "2s"), Stages.Weighted("canary-25", 25, "2s"), Stages.Weighted("full", 100, "1s"));

            // A shadow stage needs a mirroring path; the flags ConfigMap for the SDK is one.
            migration.Spec.TrafficRouting = new TrafficRoutingSpec { Flags = new FlagsRouting { ConfigMap = "pool-rollout" } };
            await kit.CreateAsync(migration);
            await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
            var states = await StatesAsync(recorder, s => s?.Contains("v2=100", StringComparison.Ordinal) == true);

            output.WriteLine($"annotation values in order: {string.Join(" -> ", states.Select(s => s ?? "(none)"))}");
            Assert.Null(states[0]);
            var shadow = states.IndexOf($"v2=0 shadow=50 phase={Phases.Shadowing}");
            var quarter = states.IndexOf($"v2=25 shadow=0 phase={Phases.Progressing}");
            var full = states.FindIndex(s => s?.StartsWith("v2=100 shadow=0 ", StringComparison.Ordinal) == true);
            Assert.True(shadow > 0 && quarter > shadow && full > quarter, $"shadow at {shadow}, 25% at {quarter}, 100% at {full}");
            Assert.All(states.Skip(1), s => Assert.NotNull(s));
        }
    }

    [Fact]
    public async Task ARollbackMakesTheAddedRouterRestoreItsOriginal()
    {
        var (kit, recorder, instance) = await StartAsync("router-rollback");
        await using (recorder)
        await using (instance)
        {
            await kit.CreateAsync(MigrationKit.Migration("pool", Stages.Weighted("canary-25", 25, "10m"), Stages.Weighted("full", 100)));
            await kit.WaitForAsync("pool", m => m.Status is { StageName: "canary-25", Weight: 25 }, Timeout, "canary-25 at 25%");
            await kit.AnnotateAsync("pool", ActionAnnotations.Abort, "abort-1");
            await kit.WaitForPhaseAsync("pool", Phases.RolledBack, Timeout);
            var states = await StatesAsync(recorder, s => s is null);

            output.WriteLine($"annotation values in order: {string.Join(" -> ", states.Select(s => s ?? "(none)"))}");
            Assert.Contains($"v2=25 shadow=0 phase={Phases.Progressing}", states);
            Assert.Null(states[^1]);
            var configMap = await kit.Client.CoreV1.ReadNamespacedConfigMapAsync("pool-traffic", kit.Namespace);
            Assert.False(configMap.Metadata.Annotations?.ContainsKey(AnnotationRouter.Annotation) ?? false);
        }
    }

    private async Task<(MigrationKit Kit, WatchRecorder<V1ConfigMap> Recorder, OperatorInstance Instance)> StartAsync(string prefix)
    {
        var ns = await cluster.CreateNamespaceAsync(prefix);
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", Total);
        await kit.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "pool-traffic" } }, ns);
        var recorder = await WatchRecorder<V1ConfigMap>.StartAsync(ResourceSources.ConfigMaps(kit.Client), ns, Stopwatch.StartNew());

        // The whole of adding a router: its class, and its registration next to the built-in ones.
        var instance = await OperatorInstance.StartWithAsync(
            cluster.ClientConfig,
            builder => builder.Services.AddSingleton<ITrafficRouter, AnnotationRouter>(),
            $"Operator:Namespaces:0={ns}");
        return (kit, recorder, instance);
    }

    /// <summary>The distinct annotation values the ConfigMap went through, once the last one satisfies <paramref name="final"/>.</summary>
    private async Task<List<string?>> StatesAsync(WatchRecorder<V1ConfigMap> recorder, Func<string?, bool> final)
    {
        List<string?> states = [];
        await cluster.WaitForAsync(() =>
        {
            states = [];
            foreach (var observation in recorder.Observations.Where(o => o.Object.Name() == "pool-traffic"))
            {
                string? value = null;
                observation.Object.Metadata.Annotations?.TryGetValue(AnnotationRouter.Annotation, out value);
                if (states.Count == 0 || states[^1] != value)
                {
                    states.Add(value);
                }
            }

            return Task.FromResult(states.Count > 1 && final(states[^1]));
        }, Timeout, "the router's last traffic state on the ConfigMap");
        return states;
    }
}
