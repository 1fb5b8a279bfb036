using System.Text.Json;
using PoolOperator.Benchmarks.Cluster;
using Xunit;

namespace PoolOperator.UnitTests.Benchmarks;

public sealed class StatusDiffTests
{
    [Fact]
    public void Names_list_items_by_their_type_and_only_the_fields_that_moved()
    {
        var before = Status("""{"phase":"AwaitingApproval","v1":{"readyReplicas":3},"conditions":[{"type":"Ready","message":"4 of 4"},{"type":"Healthy","message":"ok"}]}""");
        var after = Status("""{"phase":"AwaitingApproval","v1":{"readyReplicas":4},"conditions":[{"type":"Healthy","message":"ok"},{"type":"Ready","message":"5 of 4"}]}""");

        Assert.Equal(["v1.readyReplicas", "conditions[Ready].message"], StatusDiff.Changed(before, after));
    }

    [Fact]
    public void A_field_that_appears_or_goes_away_is_a_change()
    {
        var before = Status("""{"analysis":{"checks":[{"name":"v2-ready","verdict":"Pass"}]}}""");
        var after = Status("""{"analysis":{"checks":[{"name":"v2-ready","verdict":"Pass","measuredAt":"2026-11-30T10:00:00Z"}]},"stageReadyAt":"2026-11-30T10:00:00Z"}""");

        Assert.Equal(["analysis.checks[v2-ready].measuredAt", "stageReadyAt"], StatusDiff.Changed(before, after));
        Assert.Equal(["status"], StatusDiff.Changed(null, after));
        Assert.Empty(StatusDiff.Changed(after, after));
    }

    private static JsonElement Status(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
