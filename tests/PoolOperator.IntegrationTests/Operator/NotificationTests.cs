using System.Collections.Concurrent;
using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http;
using PoolOperator.Api.V1Alpha1;
using PoolOperator.Core;
using PoolOperator.IntegrationTests.Analysis;
using PoolOperator.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace PoolOperator.IntegrationTests.Operator;

/// <summary>
/// Milestone notifications to local HTTP servers standing in for a JSON webhook, a Slack and a Microsoft Teams incoming
/// webhook, next to a target that always fails and one that never answers: each milestone reaches each working target
/// once, across an operator restart, the broken targets show in a condition, and the migration never waits for them.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NotificationTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private static readonly string[] FastDeliverySettings =
        ["Notifications:AttemptTimeout=00:00:03", "Notifications:Retries=1", "Notifications:RetryDelay=00:00:00.200"];

    private static readonly string[] HealthyTargets = ["ops-webhook", "ops-slack", "ops-teams"];

    [Fact]
    public async Task EachMilestoneReachesEachTargetOnceAcrossARestartAndBrokenTargetsShowInACondition()
    {
        var ns = await cluster.CreateNamespaceAsync("notify");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", 2);
        await using var webhook = await Receiver.StartAsync();
        await using var slack = await Receiver.StartAsync();
        await using var teams = await Receiver.StartAsync();
        await using var failing = await LocalHttpServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        });
        await using var hanging = BlackHoleServer.Start();
        await kit.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "notify-urls" },
            StringData = new Dictionary<string, string>
            {
                ["webhook"] = $"{webhook.Address}/hook",
                ["slack"] = $"{slack.Address}/services/T000/B000/XXXX",
                ["teams"] = $"{teams.Address}/webhookb2/abc",
                ["failing"] = $"{failing.Address}/hook",
                ["hanging"] = $"{hanging.Address}/hook",
            },
        }, ns);

        var migration = MigrationKit.Migration("pool", Stages.Weighted("half", 50, "1s", approval: true), Stages.Weighted("full", 100));
        migration.Spec.Notifications = new NotificationsSpec
        {
            Targets =
            [
                Target("ops-webhook", "webhook", "webhook"),
                Target("ops-slack", "slack", "slack"),
                Target("ops-teams", "teams", "teams"),
                Target("broken", "webhook", "failing"),
                Target("silent", "webhook", "hanging"),
            ],
        };

        var settings = FastDeliverySettings.Append($"Operator:Namespaces:0={ns}").ToArray();
        await using (var first = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: settings))
        {
            await kit.CreateAsync(migration);
            await kit.WaitForPhaseAsync("pool", Phases.AwaitingApproval, Timeout);
            await cluster.WaitForAsync(() => Task.FromResult(webhook.Keys.Contains("run1-stage0-gate")), Timeout, "the gate notified to the webhook");
            // Every healthy target's deliveries recorded before the stop: one delivered but not yet recorded would be sent
            // again by the next process, which is the promise for a crash, not for this restart.
            await kit.WaitForAsync("pool", m => HealthyTargets.All(t => (m.Status?.Notifications?.Sent ?? []) is var sent
                    && sent.Contains($"{t}/run1-stage0") && sent.Contains($"{t}/run1-stage0-gate")), Timeout,
                "the stage's and the gate's notifications recorded");
        }

        // A new operator process reads the same milestones from the status every round: none is sent again.
        await using var second = await OperatorInstance.StartAsync(cluster.ClientConfig, settings: settings);
        await kit.AnnotateAsync("pool", ActionAnnotations.Approve, "go-1");
        var done = await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
        await cluster.WaitForAsync(() => Task.FromResult(webhook.Keys.Contains("run1-completed") && slack.Count >= 4 && teams.Count >= 4), Timeout, "completion notified everywhere");
        var recorded = await kit.WaitForAsync("pool", m => m.Status?.Notifications?.Failing.Count == 2 && (m.Status.Notifications.Sent).Contains("silent/run1-completed"), Timeout,
            "both broken targets given up on for the last milestone");

        output.WriteLine($"webhook received: {string.Join(", ", webhook.Keys)}");
        // Deliveries run side by side, so arrival order is not promised; each milestone arrives exactly once.
        Assert.Equal(["run1-completed", "run1-stage0", "run1-stage0-gate", "run1-stage1"], webhook.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(4, slack.Count);
        Assert.Equal(4, teams.Count);

        var gate = webhook.Bodies.Single(b => b.GetProperty("key").GetString() == "run1-stage0-gate");
        Assert.Equal($"{ns}/pool", gate.GetProperty("migration").GetString());
        Assert.Equal("AwaitingApproval", gate.GetProperty("event").GetString());
        Assert.Equal("half", gate.GetProperty("stage").GetString());
        Assert.Equal(50, gate.GetProperty("weight").GetInt32());
        Assert.Contains(slack.Bodies, b => b.GetProperty("text").GetString()!.Contains($"*PoolMigration {ns}/pool* — Completed", StringComparison.Ordinal));
        Assert.Contains(teams.Bodies, b => b.GetProperty("@type").GetString() == "MessageCard" && b.GetProperty("title").GetString() == $"PoolMigration {ns}/pool: Completed");

        var condition = recorded.Status!.Conditions!.Single(c => c.Type == "NotificationsDelivered");
        output.WriteLine($"{condition.Status} {condition.Reason}: {condition.Message}");
        Assert.Equal(("False", "TargetFailing"), (condition.Status, condition.Reason));
        Assert.Contains("broken: run1-completed not delivered: HTTP 500", condition.Message, StringComparison.Ordinal);
        Assert.Contains("silent: run1-completed not delivered: no answer within 3s", condition.Message, StringComparison.Ordinal);
        Assert.Equal(Phases.Completed, done.Status!.Phase);
    }

    [Fact]
    public async Task EachMilestoneIsDeliveredExactlyOnceWhileLeadershipMovesBetweenOperatorReplicas()
    {
        var ns = await cluster.CreateNamespaceAsync("notify-leader");
        var kit = new MigrationKit(cluster, ns);
        await kit.CreatePoolAsync("pool", 2);
        await using var webhook = await Receiver.StartAsync();
        await kit.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "notify-urls" },
            StringData = new Dictionary<string, string> { ["webhook"] = $"{webhook.Address}/hook" },
        }, ns);
        var migration = MigrationKit.Migration("pool", Stages.Weighted("half", 50, "1s", approval: true), Stages.Weighted("full", 100, "1s", approval: true));
        migration.Spec.Notifications = new NotificationsSpec { Targets = [Target("ops-webhook", "webhook", "webhook")] };

        await using var a = await OperatorInstance.StartAsync(cluster.ClientConfig, leaderElection: true, LeaderSettings(ns, "a"));
        await cluster.WaitForAsync(() => Task.FromResult(a.Election.IsLeader), Timeout, "a to lead");
        await using var b = await OperatorInstance.StartAsync(cluster.ClientConfig, leaderElection: true, LeaderSettings(ns, "b"));
        await cluster.WaitForAsync(() => Task.FromResult(b.Election.CurrentLeader == "a"), Timeout, "b to see a leading");
        await kit.CreateAsync(migration);
        await WaitDeliveredAsync(kit, webhook, "run1-stage0-gate");

        // a goes between the first gate and its approval: b leads the second stage and its gate.
        await a.StopAsync();
        await cluster.WaitForAsync(() => Task.FromResult(b.Election.IsLeader), Timeout, "b to lead");
        await using var c = await OperatorInstance.StartAsync(cluster.ClientConfig, leaderElection: true, LeaderSettings(ns, "c"));
        await cluster.WaitForAsync(() => Task.FromResult(c.Election.CurrentLeader == "b"), Timeout, "c to see b leading");
        await kit.AnnotateAsync("pool", ActionAnnotations.Approve, "go-1");
        await WaitDeliveredAsync(kit, webhook, "run1-stage1-gate");

        // b goes between the second gate and its approval: c leads to completion.
        await b.StopAsync();
        await cluster.WaitForAsync(() => Task.FromResult(c.Election.IsLeader), Timeout, "c to lead");
        await kit.AnnotateAsync("pool", ActionAnnotations.Approve, "go-2");
        await kit.WaitForPhaseAsync("pool", Phases.Completed, Timeout);
        await WaitDeliveredAsync(kit, webhook, "run1-completed");

        output.WriteLine($"webhook received: {string.Join(", ", webhook.Keys)}; a reconciled {a.ReconcilesStarted}, b {b.ReconcilesStarted}, c {c.ReconcilesStarted} times");
        Assert.True(b.ReconcilesStarted > 0 && c.ReconcilesStarted > 0, "every replica led part of the migration");
        Assert.Equal(["run1-completed", "run1-stage0", "run1-stage0-gate", "run1-stage1", "run1-stage1-gate"], webhook.Keys.Order(StringComparer.Ordinal));
    }

    private static string[] LeaderSettings(string ns, string identity) =>
    [
        .. FastDeliverySettings,
        $"Operator:Namespaces:0={ns}",
        $"Operator:LeaseNamespace={ns}",
        $"Operator:Identity={identity}",
        "Operator:LeaseDuration=00:00:04",
        "Operator:RenewDeadline=00:00:03",
        "Operator:RetryPeriod=00:00:00.500",
    ];

    /// <summary>Waits until the webhook received the milestone and the migration's status records its delivery.</summary>
    private async Task WaitDeliveredAsync(MigrationKit kit, Receiver webhook, string key)
    {
        await cluster.WaitForAsync(() => Task.FromResult(webhook.Keys.Contains(key)), Timeout, $"{key} delivered to the webhook");
        await kit.WaitForAsync("pool", m => (m.Status?.Notifications?.Sent ?? []).Contains($"ops-webhook/{key}"), Timeout, $"{key}'s delivery recorded");
    }

    private static NotificationTarget Target(string name, string type, string key) =>
        new() { Name = name, Type = type, UrlSecretRef = new SecretKeyReference { Name = "notify-urls", Key = key } };

    /// <summary>A local HTTP server that accepts every POST with 204 and keeps the JSON bodies in arrival order.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly ConcurrentQueue<JsonElement> bodies = new();
        private LocalHttpServer? server;

        public Uri Address => server!.Address;

        public IReadOnlyList<JsonElement> Bodies => [.. bodies];

        public int Count => bodies.Count;

        /// <summary>The milestone keys of webhook bodies, in arrival order.</summary>
        public IReadOnlyList<string> Keys => [.. bodies.Where(b => b.TryGetProperty("key", out _)).Select(b => b.GetProperty("key").GetString()!)];

        public static async Task<Receiver> StartAsync()
        {
            var receiver = new Receiver();
            receiver.server = await LocalHttpServer.StartAsync(async context =>
            {
                using var document = await JsonDocument.ParseAsync(context.Request.Body);
                receiver.bodies.Enqueue(document.RootElement.Clone());
                context.Response.StatusCode = StatusCodes.Status204NoContent;
            });
            return receiver;
        }

        public ValueTask DisposeAsync() => server!.DisposeAsync();
    }
}
