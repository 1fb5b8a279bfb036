using System.Text.Json;
using k8s;
using k8s.Models;
using PoolOperator.Runtime.Informers;
using Xunit;

namespace PoolOperator.UnitTests.Runtime;

public sealed class KubernetesResourceSourceTests
{
    [Fact]
    public async Task ATypedListKeepsItsPagingAndGetsApiVersionAndKindBack()
    {
        var source = new KubernetesResourceSource<V1Deployment>(
            "deployments.apps",
            (_, _, _, _) => Task.FromResult<object>(new V1DeploymentList
            {
                Items = [new V1Deployment { Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "a" } }],
                Metadata = new V1ListMeta { ResourceVersion = "42", ContinueProperty = "next-page" },
            }),
            (_, _, _, _, _) => Events());

        var page = await source.ListAsync("a", null, 500, CancellationToken.None);

        var item = Assert.Single(page.Items);
        Assert.Equal(("apps/v1", "Deployment"), (item.ApiVersion, item.Kind));
        Assert.Equal("42", page.ResourceVersion);
        Assert.Equal("next-page", page.Continue);
    }

    [Fact]
    public async Task ACustomObjectListInJsonIsDeserializedToTheTypedClass()
    {
        var json = JsonDocument.Parse("""
            {"apiVersion":"v1","kind":"ConfigMapList","metadata":{"resourceVersion":"7","continue":""},
             "items":[{"metadata":{"name":"flags","namespace":"a"},"data":{"k":"v"}}]}
            """).RootElement;
        var source = new KubernetesResourceSource<V1ConfigMap>("configmaps", (_, _, _, _) => Task.FromResult<object>(json), (_, _, _, _, _) => Events());

        var page = await source.ListAsync("a", null, 500, CancellationToken.None);

        var item = Assert.Single(page.Items);
        Assert.Equal("v", item.Data["k"]);
        Assert.Equal(("v1", "ConfigMap"), (item.ApiVersion, item.Kind));
        Assert.Equal("7", page.ResourceVersion);
        Assert.Null(page.Continue);
    }

    [Fact]
    public async Task AWatchYieldsTypedObjectsAndHandsAMalformedOneToOnErrorWithoutStopping()
    {
        var good = JsonDocument.Parse("""{"metadata":{"name":"one","resourceVersion":"5"},"data":{"k":"v"}}""").RootElement;
        var bad = JsonDocument.Parse("""{"metadata":"not an object"}""").RootElement;
        var typed = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "two", ResourceVersion = "6" } };
        var source = new KubernetesResourceSource<V1ConfigMap>(
            "configmaps",
            (_, _, _, _) => Task.FromResult<object>(new V1ConfigMapList { Items = [] }),
            (_, _, _, _, _) => Events((WatchEventType.Added, good), (WatchEventType.Modified, bad), (WatchEventType.Deleted, typed)));
        var errors = new List<Exception>();

        var seen = new List<(WatchEventType, string)>();
        await foreach (var (type, obj) in source.WatchAsync("a", "1", 60, errors.Add, CancellationToken.None))
        {
            seen.Add((type, obj.Metadata.Name));
            Assert.Equal("ConfigMap", obj.Kind);
        }

        Assert.Equal([(WatchEventType.Added, "one"), (WatchEventType.Deleted, "two")], seen);
        Assert.IsAssignableFrom<JsonException>(Assert.Single(errors));
    }

    private static async IAsyncEnumerable<(WatchEventType Type, object Object)> Events(
        params (WatchEventType Type, object Object)[] events)
    {
        foreach (var item in events)
        {
            await Task.Yield();
            yield return item;
        }
    }
}
