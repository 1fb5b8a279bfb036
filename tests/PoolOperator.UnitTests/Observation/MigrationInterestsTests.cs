using k8s;
using k8s.Models;
using PoolOperator.Observation;
using PoolOperator.Runtime;
using PoolOperator.Runtime.Informers;
using Xunit;

namespace PoolOperator.UnitTests.Observation;

public sealed class MigrationInterestsTests
{
    private static readonly NamespacedName Pool = new("ns", "pool");
    private static readonly NamespacedName Other = new("ns", "other");

    [Fact]
    public void AChangedObjectWakesExactlyTheMigrationsWhoseInterestItMatches()
    {
        var pods = new RecordingCache();
        var interests = new MigrationInterests();
        interests.Declare(Pool, Interests(pods, new ObjectInterest("ns", Selector: Selector("pool", "v2"))));
        interests.Declare(Other, Interests(pods, new ObjectInterest("ns", Selector: new V1LabelSelector
        {
            MatchExpressions = [new V1LabelSelectorRequirement { Key = "app", OperatorProperty = "In", Values = ["other"] }],
        })));

        Assert.Equal([Pool], interests.Interested(pods, Pod("ns", "pool", "v2")));
        Assert.Equal([Other], interests.Interested(pods, Pod("ns", "other", "v1")));
        Assert.Empty(interests.Interested(pods, Pod("ns", "pool", "v1")));
        Assert.Empty(interests.Interested(pods, Pod("elsewhere", "pool", "v2")));
    }

    [Fact]
    public void InterestsGoToTheirCacheUnderTheMigrationsNameAndAreReleasedWhenNoLongerDeclared()
    {
        var pods = new RecordingCache();
        var configMaps = new RecordingCache();
        var interests = new MigrationInterests();
        interests.Declare(Pool, new Dictionary<IInterestCache, IReadOnlyCollection<ObjectInterest>>
        {
            [pods] = [new ObjectInterest("ns", Selector: Selector("pool", "v2"))],
            [configMaps] = [new ObjectInterest("ns", "flags")],
        });
        Assert.Equal(["ns/pool"], pods.Owners);
        Assert.Equal(["ns/pool"], configMaps.Owners);

        interests.Declare(Pool, Interests(configMaps, new ObjectInterest("ns", "flags")));
        Assert.Empty(pods.Owners);
        Assert.Empty(interests.Interested(pods, Pod("ns", "pool", "v2")));

        interests.Release(Pool);
        Assert.Empty(configMaps.Owners);
    }

    private static Dictionary<IInterestCache, IReadOnlyCollection<ObjectInterest>> Interests(IInterestCache cache, ObjectInterest interest) => new() { [cache] = [interest] };

    private static V1LabelSelector Selector(string app, string track) =>
        new() { MatchLabels = new Dictionary<string, string> { ["app"] = app, ["track"] = track } };

    private static V1Pod Pod(string ns, string app, string track) => new()
    {
        Metadata = new V1ObjectMeta { Name = $"{app}-{track}-1", NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["app"] = app, ["track"] = track } },
    };

    private sealed class RecordingCache : IInterestCache
    {
        private readonly Dictionary<string, IReadOnlyCollection<ObjectInterest>> owners = [];

        public IReadOnlyList<string> Owners => [.. owners.Keys];

        public string Description => "recording";

        public void SetInterests(string owner, IReadOnlyCollection<ObjectInterest> interests)
        {
            if (interests.Count == 0)
            {
                owners.Remove(owner);
            }
            else
            {
                owners[owner] = interests;
            }
        }

        public void Release(string owner) => owners.Remove(owner);

        public bool IsSynced(string @namespace) => true;

        public Task WaitForSyncAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public IDisposable HoldLists() => throw new NotSupportedException();

        public void Feed(Controller<NamespacedName> controller, Func<IKubernetesObject<V1ObjectMeta>, IEnumerable<NamespacedName>> keys) =>
            throw new NotSupportedException();
    }
}
