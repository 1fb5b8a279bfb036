using k8s.Models;
using PoolOperator.Observation;
using Xunit;

namespace PoolOperator.UnitTests.Observation;

public sealed class LatestKnownTests
{
    private readonly Dictionary<string, V1ConfigMap> cache = [];

    [Fact]
    public void WhatWasWrittenIsReadWhileTheCacheStillShowsTheVersionItReplaced()
    {
        var latest = Latest();
        var before = Put("1");
        latest.Supersede(before, Object("2"));

        Assert.Equal("2", latest.Get("ns", "flags")!.ResourceVersion());
    }

    [Fact]
    public void TheCacheIsTheTruthAgainOnceItMovedOn()
    {
        var latest = Latest();
        var before = Put("1");
        latest.Supersede(before, Object("2"));
        Put("5");

        Assert.Equal("5", latest.Get("ns", "flags")!.ResourceVersion());

        // The cache showing an old version again (a relist from a lagging apiserver) does not resurrect the forgotten write.
        Put("1");
        Assert.Equal("1", latest.Get("ns", "flags")!.ResourceVersion());
    }

    [Fact]
    public void AWriteBasedOnAnEarlierWriteSupersedesEveryVersionBeforeIt()
    {
        var latest = Latest();
        var first = Put("1");
        latest.Supersede(first, Object("2"));
        latest.Supersede(latest.Get("ns", "flags"), Object("3"));

        Assert.Equal("3", latest.Get("ns", "flags")!.ResourceVersion());
        Put("2");
        Assert.Equal("3", latest.Get("ns", "flags")!.ResourceVersion());
    }

    [Fact]
    public void AnObjectGoneFromTheCacheIsGone()
    {
        var latest = Latest();
        latest.Supersede(Put("1"), Object("2"));
        cache.Clear();

        Assert.Null(latest.Get("ns", "flags"));
    }

    private LatestKnown<V1ConfigMap> Latest() => new((ns, name) => cache.GetValueOrDefault($"{ns}/{name}"));

    private V1ConfigMap Put(string resourceVersion) => cache["ns/flags"] = Object(resourceVersion);

    private static V1ConfigMap Object(string resourceVersion) =>
        new() { Metadata = new V1ObjectMeta { Name = "flags", NamespaceProperty = "ns", ResourceVersion = resourceVersion } };
}
