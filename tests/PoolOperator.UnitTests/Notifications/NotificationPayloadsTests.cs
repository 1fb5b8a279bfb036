using System.Text.Json;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.Notifications;
using Xunit;

namespace PoolOperator.UnitTests.Notifications;

public sealed class NotificationPayloadsTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_webhook_gets_every_field_of_the_milestone()
    {
        var body = Parse(NotificationPayloads.For(Rollback("webhook")));

        Assert.Equal("shop/session-pool", body.GetProperty("migration").GetString());
        Assert.Equal("RollbackTriggered", body.GetProperty("event").GetString());
        Assert.Equal("Warning", body.GetProperty("type").GetString());
        Assert.Equal("run2-rollback", body.GetProperty("key").GetString());
        Assert.Equal("canary-25", body.GetProperty("stage").GetString());
        Assert.Equal(25, body.GetProperty("weight").GetInt32());
        Assert.Equal(2, body.GetProperty("run").GetInt32());
        Assert.Equal("2026-11-26T10:00:00Z", body.GetProperty("at").GetString());
    }

    [Fact]
    public void Slack_gets_one_text_line_naming_the_migration_and_the_milestone()
    {
        var body = Parse(NotificationPayloads.For(Rollback("slack")));

        Assert.Equal(":warning: *PoolMigration shop/session-pool* — RollbackTriggered: Rolling back from stage canary-25", body.GetProperty("text").GetString());
    }

    [Fact]
    public void Teams_gets_a_message_card_coloured_by_severity()
    {
        var body = Parse(NotificationPayloads.For(Rollback("teams")));

        Assert.Equal("MessageCard", body.GetProperty("@type").GetString());
        Assert.Equal("D70000", body.GetProperty("themeColor").GetString());
        Assert.Equal("PoolMigration shop/session-pool: RollbackTriggered", body.GetProperty("title").GetString());
        Assert.Equal("Rolling back from stage canary-25", body.GetProperty("text").GetString());
    }

    private static Notification Rollback(string type) => new(
        "shop", "session-pool", new NotificationTarget { Name = "ops", Type = type }, "shop", "RollbackTriggered", MigrationEvent.Warning, "run2-rollback",
        "Rolling back from stage canary-25", Phases.RollingBack, "canary-25", 25, 2, At);

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
