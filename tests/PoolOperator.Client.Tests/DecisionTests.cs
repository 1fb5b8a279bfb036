using Xunit;

namespace PoolOperator.Client.Tests;

public sealed class DecisionTests
{
    private static readonly IReadOnlyList<string> SessionKeys = [.. Enumerable.Range(0, 2000).Select(i => $"session-{i}")];

    [Fact]
    public async Task Before_any_flags_every_session_goes_to_V1()
    {
        await using var client = Documents.Client();

        Assert.All(SessionKeys, key => Assert.Equal(new PoolDecision(Pool.V1, DecisionReason.NoFlags, false), client.Decide(key)));
        Assert.False(client.FlagsStatus.HasDocument);
    }

    [Fact]
    public async Task The_same_session_gets_the_same_pool_in_every_client()
    {
        await using var first = Documents.Client();
        await using var second = Documents.Client();
        first.ApplyDocument(Documents.Rollout(25));
        second.ApplyDocument(Documents.Rollout(25));

        foreach (var key in SessionKeys)
        {
            var decision = first.Decide(key);
            Assert.Equal(decision, first.Decide(key));
            Assert.Equal(decision, second.Decide(key));
            Assert.Equal(SessionBuckets.SelectionBucket(key) < 2500 ? Pool.V2 : Pool.V1, decision.Pool);
        }
    }

    [Fact]
    public async Task A_session_on_V2_at_5_percent_stays_on_V2_as_the_migration_advances()
    {
        await using var client = Documents.Client();
        client.ApplyDocument(Documents.Rollout(5));
        var early = SessionKeys.Where(k => client.Decide(k).Pool == Pool.V2).ToList();

        client.ApplyDocument(Documents.Rollout(25, generation: 2));
        var later = SessionKeys.Where(k => client.Decide(k).Pool == Pool.V2).ToHashSet();

        Assert.NotEmpty(early);
        Assert.All(early, key => Assert.Contains(key, later));
        Assert.True(later.Count > early.Count * 3, $"{early.Count} sessions at 5%, {later.Count} at 25%");
    }

    [Theory]
    [InlineData("RollingBack")]
    [InlineData("RolledBack")]
    public async Task A_rollback_sends_every_session_to_V1_whatever_the_document_says(string phase)
    {
        await using var client = Documents.Client();
        client.ApplyDocument(Documents.Rollout(100, shadowPercent: 100, phase: phase, overrides: """{"session-1":"v2"}"""));

        Assert.All(SessionKeys, key => Assert.Equal(new PoolDecision(Pool.V1, DecisionReason.Rollback, false), client.Decide(key)));
        Assert.Equal(0, client.Flags.EffectiveV2Percent);
    }

    [Fact]
    public async Task At_100_percent_every_session_goes_to_V2()
    {
        await using var client = Documents.Client();
        client.ApplyDocument(Documents.Rollout(100, phase: "Completing"));

        Assert.All(SessionKeys, key => Assert.Equal(Pool.V2, client.Decide(key).Pool));
    }

    [Fact]
    public async Task Shadowing_picks_V1_sessions_by_the_shadow_hash()
    {
        await using var client = Documents.Client();
        client.ApplyDocument(Documents.Rollout(0, shadowPercent: 30, phase: "Shadowing"));

        foreach (var key in SessionKeys)
        {
            var decision = client.Decide(key);
            Assert.Equal(Pool.V1, decision.Pool);
            Assert.Equal(SessionBuckets.ShadowBucket(key) < 3000, decision.Shadow);
        }
    }

    [Fact]
    public async Task Overrides_follow_the_documented_precedence()
    {
        var variable = $"POOL_MIGRATION_FORCE_TEST_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, "v2");
        try
        {
            // A session the percentage puts on V1 and the document pins to V1.
            var key = SessionKeys.First(k => SessionBuckets.SelectionBucket(k) >= 1000);
            var document = Documents.Rollout(10, overrides: $$"""{"{{key}}":"v1","pinned-v2":"v2"}""");

            await using var plain = Documents.Client();
            plain.ApplyDocument(document);
            Assert.Equal(new PoolDecision(Pool.V1, DecisionReason.SessionOverride, false), plain.Decide(key));
            Assert.Equal(new PoolDecision(Pool.V2, DecisionReason.SessionOverride, false), plain.Decide("pinned-v2"));

            await using var withEnvironment = Documents.Client(o => o.ForceEnvironmentVariable = variable);
            withEnvironment.ApplyDocument(document);
            Assert.Equal(Pool.V2, withEnvironment.EnvironmentForce);
            Assert.Equal(new PoolDecision(Pool.V2, DecisionReason.Environment, false), withEnvironment.Decide(key));

            await using var withClientForce = Documents.Client(o =>
            {
                o.ForceEnvironmentVariable = variable;
                o.Force = Pool.V1;
            });
            withClientForce.ApplyDocument(document);
            Assert.Equal(new PoolDecision(Pool.V1, DecisionReason.Programmatic, false), withClientForce.Decide("pinned-v2"));

            // Per call beats the client-wide force.
            Assert.Equal(new PoolDecision(Pool.V2, DecisionReason.Programmatic, false), withClientForce.Decide(key, Pool.V2));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task The_environment_force_applies_even_before_any_flags()
    {
        var variable = $"POOL_MIGRATION_FORCE_TEST_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, " V2 ");
        try
        {
            await using var client = Documents.Client(o => o.ForceEnvironmentVariable = variable);
            Assert.Equal(new PoolDecision(Pool.V2, DecisionReason.Environment, false), client.Decide("any"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task An_unknown_environment_force_is_ignored_and_reported()
    {
        var variable = $"POOL_MIGRATION_FORCE_TEST_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, "v3");
        var logs = new RecordingLoggerProvider();
        try
        {
            await using var client = Documents.Client(o => o.ForceEnvironmentVariable = variable, logs: logs);
            client.ApplyDocument(Documents.Rollout(0));

            Assert.Null(client.EnvironmentForce);
            Assert.Equal(Pool.V1, client.Decide("any").Pool);
            Assert.Contains(logs.Warnings, w => w.Contains("'v3' is neither v1 nor v2", StringComparison.Ordinal));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Selections_are_counted_by_pool_and_reason()
    {
        await using var client = Documents.Client();
        using var metrics = new MetricRecorder(client.Meter);
        client.ApplyDocument(Documents.Rollout(50));

        var onV2 = SessionKeys.Count(k => client.Decide(k).Pool == Pool.V2);
        client.Decide("anyone", Pool.V1);

        Assert.Equal(onV2, metrics.Sum("poolmigration.selections", ("pool", "v2"), ("reason", "percentage"), ("migration", "shop/session-pool")));
        Assert.Equal(SessionKeys.Count - onV2, metrics.Sum("poolmigration.selections", ("pool", "v1"), ("reason", "percentage")));
        Assert.Equal(1, metrics.Sum("poolmigration.selections", ("pool", "v1"), ("reason", "programmatic")));
    }
}
