using System.Text.Json.Nodes;
using PoolOperator.Tests.Shared;
using Xunit;

namespace PoolOperator.IntegrationTests.ArgoCd;

/// <summary>
/// The Argo CD health script and resource actions shipped in docs/argocd, run by the real Lua 5.1 against
/// PoolMigrations captured from real runs of the operator (tests/PoolOperator.IntegrationTests/ArgoCd/fixtures).
/// </summary>
public sealed class ArgoCdScriptTests
{
    private static readonly string Scripts = RepositoryFiles.PathOf("docs", "argocd", "pooloperator.io", "PoolMigration");

    [Theory]
    [InlineData("initializing", "Progressing", "Initializing")]
    [InlineData("shadowing", "Progressing", "Shadowing")]
    [InlineData("progressing", "Progressing", "Progressing")]
    [InlineData("awaiting-approval", "Suspended", "waiting for approval")]
    [InlineData("paused", "Suspended", "Paused")]
    [InlineData("completing", "Healthy", "V2 serves 100%")]
    [InlineData("completed", "Healthy", "Completed")]
    [InlineData("rolling-back", "Degraded", "RollingBack")]
    [InlineData("rolled-back", "Degraded", "RolledBack")]
    [InlineData("invalid", "Degraded", "Invalid spec")]
    public void Health_follows_the_phase(string fixture, string expectedStatus, string messagePart)
    {
        var health = Lua51.Run(Path.Combine(Scripts, "health.lua"), Fixture(fixture))!;

        Assert.Equal(expectedStatus, (string?)health["status"]);
        Assert.Contains(messagePart, (string?)health["message"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_spec_the_operator_has_not_seen_yet_is_progressing_even_when_the_old_one_was_rolled_back()
    {
        var migration = Fixture("rolled-back");
        migration["metadata"]!["generation"] = (long)migration["status"]!["observedGeneration"]! + 1;

        var health = Lua51.Run(Path.Combine(Scripts, "health.lua"), migration)!;

        Assert.Equal("Progressing", (string?)health["status"]);
        Assert.Contains("spec generation", (string?)health["message"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_migration_without_status_is_progressing()
    {
        var migration = Fixture("initializing");
        migration.AsObject().Remove("status");

        Assert.Equal("Progressing", (string?)Lua51.Run(Path.Combine(Scripts, "health.lua"), migration)!["status"]);
    }

    [Theory]
    [InlineData("awaiting-approval", new[] { "approve", "promote", "pause", "abort" }, new[] { "resume", "retry" })]
    [InlineData("progressing", new[] { "promote", "pause", "abort" }, new[] { "approve", "resume", "retry" })]
    [InlineData("paused", new[] { "resume", "promote", "abort" }, new[] { "approve", "pause", "retry" })]
    [InlineData("rolled-back", new[] { "retry" }, new[] { "approve", "promote", "pause", "resume", "abort" })]
    [InlineData("completed", new string[0], new[] { "approve", "promote", "pause", "resume", "abort", "retry" })]
    public void Discovery_offers_only_the_actions_the_operator_would_act_on(string fixture, string[] enabled, string[] disabled)
    {
        var actions = Lua51.Run(Path.Combine(Scripts, "actions", "discovery.lua"), Fixture(fixture))!.AsObject();

        Assert.Equal(["abort", "approve", "pause", "promote", "resume", "retry"], actions.Select(a => a.Key).Order());
        Assert.All(enabled, name => Assert.False((bool)actions[name]!["disabled"]!, $"{name} should be enabled"));
        Assert.All(disabled, name => Assert.True((bool)actions[name]!["disabled"]!, $"{name} should be disabled"));
    }

    [Theory]
    [InlineData("approve", "awaiting-approval")]
    [InlineData("promote", "progressing")]
    [InlineData("abort", "progressing")]
    [InlineData("retry", "rolled-back")]
    public void One_shot_actions_set_a_fresh_request_token_and_touch_nothing_else(string action, string fixture)
    {
        var before = Fixture(fixture);
        before["metadata"]!["annotations"] = new JsonObject { [$"pooloperator.io/{action}"] = "an-older-token" };

        var after = Lua51.Run(Path.Combine(Scripts, "actions", action, "action.lua"), before.DeepClone())!;

        var token = (string?)after["metadata"]!["annotations"]![$"pooloperator.io/{action}"];
        Assert.NotEqual("an-older-token", token);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", token);
        after["metadata"]!["annotations"]![$"pooloperator.io/{action}"] = "an-older-token";
        Assert.True(JsonNode.DeepEquals(Lua51.AsLuaSeesIt(before), after), "the action changed more than its annotation");
    }

    [Fact]
    public void Pause_and_resume_use_the_documented_annotations()
    {
        var paused = Lua51.Run(Path.Combine(Scripts, "actions", "pause", "action.lua"), Fixture("progressing"))!;
        Assert.Equal("true", (string?)paused["metadata"]!["annotations"]!["pooloperator.io/paused"]);

        var resumed = Lua51.Run(Path.Combine(Scripts, "actions", "resume", "action.lua"), paused)!;
        var annotations = resumed["metadata"]!["annotations"]!.AsObject();
        Assert.False(annotations.ContainsKey("pooloperator.io/paused"));
        Assert.False(string.IsNullOrEmpty((string?)annotations["pooloperator.io/resume"]));
    }

    private static JsonNode Fixture(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ArgoCd", "fixtures", name + ".json")))!;
}
